"""The fault matrix: one test per way an endpoint can misbehave, against real local servers."""

import socket
import ssl
from datetime import datetime

import pytest
import trustme

from app.core import queue
from app.delivery import transport
from app.delivery.outbox import job_id_for
from tests.conftest import drain
from tests.delivery_support import form_with_webhook, only_delivery, send_once, submit, webhook_state, work_once
from tests.receiver import Receiver, Reply


def test_500_then_200_retries_with_the_same_webhook_id(app, client, accounts, receiver):
    receiver.reply(Reply(status=500, body=b"database down"))
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    drain(app)

    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    delivery = only_delivery(app)
    assert delivery["status"] == "succeeded" and delivery["attempt_count"] == 2
    failed, succeeded = delivery["attempts"]
    assert failed["response"]["status"] == 500 and failed["response"]["body"] == "database down"
    assert failed["response"]["headers"]["content-length"] == "13"
    assert failed["error"] is None and failed["duration_ms"] >= 0
    assert failed["request"]["headers"]["webhook-id"] == delivery["id"]
    assert succeeded["response"]["status"] == 200


@pytest.mark.app_config(WEBHOOK_TIMEOUT=1.0)
def test_a_hanging_server_times_out_and_is_retried(app, client, accounts, receiver):
    receiver.reply(Reply(delay=3.0))
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    drain(app)

    delivery = only_delivery(app)
    assert delivery["status"] == "succeeded"
    hung, answered = delivery["attempts"][0], delivery["attempts"][-1]
    assert hung["response"] is None
    assert hung["error_class"] == "timeout" and hung["error"] == "timed out after 1 s"
    assert answered["response"]["status"] == 200


def test_connection_refused_retries_then_fails(app, client, accounts):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again on exit: nothing listens there
    _, public_id, _ = form_with_webhook(app, accounts, f"http://127.0.0.1:{port}/hook")
    submit(client, public_id)
    drain(app)

    delivery = only_delivery(app)
    assert delivery["status"] == "failed" and delivery["next_attempt_at"] is None
    assert delivery["attempt_count"] == 4  # the first attempt and one per step of [0, 0, 0]
    assert delivery["last_error"] == "connection refused"
    assert {attempt["error_class"] for attempt in delivery["attempts"]} == {"connection_refused"}


def test_410_disables_the_webhook_with_the_reason(app, client, accounts, receiver):
    receiver.reply(Reply(status=410, body=b"gone"))
    _, public_id, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    drain(app)

    delivery = only_delivery(app)
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 1
    assert delivery["last_status_code"] == 410
    state = webhook_state(app, webhook_id)
    assert state["enabled"] is False and state["disabled_reason"] == "the endpoint answered 410 Gone"
    submit(client, public_id)  # a disabled webhook gets no new deliveries
    drain(app)
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(("retry_after", "expected_wait"), [("7", 7), ("86400", 600)])
@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[600, 600])
def test_429_retry_after_is_honoured_and_capped(app, client, accounts, receiver, retry_after, expected_wait):
    receiver.reply(Reply(status=429, headers={"Retry-After": retry_after}))
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    work_once(app)

    delivery = only_delivery(app)
    assert delivery["status"] == "retrying" and delivery["last_status_code"] == 429
    attempt = delivery["attempts"][0]
    waited = datetime.fromisoformat(delivery["next_attempt_at"]) - datetime.fromisoformat(attempt["at"])
    # measured from the attempt's start, so the attempt's own few milliseconds come on top
    assert expected_wait <= waited.total_seconds() < expected_wait + 5
    scheduled = queue.scheduled_jobs(app)
    assert list(scheduled) == [job_id_for(delivery["id"], 2)]
    scheduled_at = scheduled[job_id_for(delivery["id"], 2)]
    assert abs((scheduled_at - datetime.fromisoformat(delivery["next_attempt_at"])).total_seconds()) < 1


def test_a_redirect_to_the_metadata_address_is_not_followed(app, client, accounts, receiver):
    receiver.default = Reply(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    drain(app)

    delivery = only_delivery(app)
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 4
    assert delivery["last_error"] == "HTTP 302 redirect (not followed) to http://169.254.169.254/latest/meta-data/"
    assert [request.path for request in receiver.requests] == ["/hook"] * 4
    assert {attempt["response"]["status"] for attempt in delivery["attempts"]} == {302}


def test_a_50_mb_answer_is_read_only_to_64_kb(app, client, accounts, receiver):
    receiver.reply(Reply(status=200, body=b"x" * (50 * 1024 * 1024)))
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    drain(app)

    delivery = only_delivery(app)
    assert delivery["status"] == "succeeded"
    body = delivery["attempts"][0]["response"]["body"]
    assert len(body.encode()) == transport.MAX_RESPONSE_BYTES == 64 * 1024
    assert set(body) == {"x"}


@pytest.fixture
def https_receiver():
    """A receiver behind TLS with a certificate for 'localhost' from a CA nobody trusts."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    server = Receiver()
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    server.start()
    server.authority = authority
    yield server
    server.stop()


def test_a_self_signed_certificate_is_a_clear_tls_error(app, client, accounts, https_receiver):
    port = https_receiver.server.server_address[1]
    _, public_id, _ = form_with_webhook(app, accounts, f"https://localhost:{port}/hook")
    submit(client, public_id)
    drain(app)

    delivery = only_delivery(app)
    assert delivery["status"] == "failed"
    assert delivery["last_error"].startswith("TLS certificate not trusted")
    assert {attempt["error_class"] for attempt in delivery["attempts"]} == {"tls"}
    assert https_receiver.requests == []


def test_tls_checks_the_name_while_connecting_to_the_checked_address(https_receiver, monkeypatch):
    monkeypatch.setattr(transport, "resolve", lambda host, port: ["127.0.0.1"])
    context = ssl.create_default_context()
    https_receiver.authority.configure_trust(context)
    port = https_receiver.server.server_address[1]
    outcome = send_once("POST", f"https://localhost:{port}/hook", timeout=3, allowed_networks=["127.0.0.0/8"],
                        verify=context)
    assert outcome.status == 200, outcome.error
    assert outcome.address == "127.0.0.1"
    assert https_receiver.requests[0].headers["host"] == f"localhost:{port}"
