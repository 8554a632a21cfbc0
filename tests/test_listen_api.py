"""Listen sessions through the API and the worker: modes, answers checked, revoked keys, reconnecting."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.delivery import listen_sessions, policy
from app.delivery.transport import Outcome
from app.models import ApiKey, Delivery
from app.observability.explain import explain
from tests.api_support import assert_error
from tests.conftest import drain, make_form, make_webhook
from tests.delivery_support import submit


@pytest.fixture
def webhook(app, api, receiver):
    form_id, public_id = make_form(app, api.workspace_id)
    return make_webhook(app, form_id, receiver.url + "/real?campaign_name={{ campaign_name }}"), public_id


def open_session(api, webhook_id, **body):
    response = api.post(f"/webhooks/{webhook_id}/listen", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def the_delivery(app):
    with app.app_context():
        delivery = db.session.scalars(select(Delivery)).one()
        result = delivery.status, [attempt.to_dict() for attempt in delivery.attempts], delivery.id
        db.session.remove()
    return result


def test_opening_a_session_checks_its_settings(api, webhook):
    assert_error(api.post(f"/webhooks/{webhook[0]}/listen", json={"mode": "sometimes"}), 422, "mode")
    assert_error(api.post(f"/webhooks/{webhook[0]}/listen", json={"mood": "instead"}), 422, "mood")
    assert_error(api.post("/webhooks/wh_00000000000000000000000000/listen", json={}), 404)
    session = api.post(f"/webhooks/{webhook[0]}/listen").get_json()
    assert session["mode"] == "instead" and session["webhook_id"] == webhook[0]


def test_a_second_session_takes_over_and_the_first_is_told(api, webhook):
    first = open_session(api, webhook[0])
    second = open_session(api, webhook[0], mode="also")
    assert_error(api.get(f"/listen/{first}/next"), 409)
    assert api.delete(f"/listen/{second}").status_code == 204
    assert_error(api.get(f"/listen/{second}/next"), 404)


def test_instead_with_no_client_connected_fails_like_an_unreachable_endpoint(app, client, api, webhook, receiver):
    open_session(api, webhook[0])
    submit(client, webhook[1])
    drain(app)
    status, attempts, _ = the_delivery(app)
    assert status == "failed" and len(attempts) == 4  # the test schedule: three retries
    assert {attempt["error"] for attempt in attempts} == {"no listen client is connected"}
    assert all(attempt["request"]["via"] == "listen" for attempt in attempts)
    assert receiver.requests == [], "instead: the webhook's URL is never connected to"
    with app.test_request_context():
        assert "Run listen.py again" in explain(None, attempts[0]["error"], "listen").text
        assert "Run listen.py again" in explain(None, attempts[0]["error"]).text  # a delivery row keeps no class


@pytest.mark.app_config(LISTEN_POLL_WAIT=1, WEBHOOK_RETRY_SCHEDULE=[3600])
def test_a_client_that_connects_gets_the_waiting_deliveries_at_once(app, client, api, webhook):
    sid = open_session(api, webhook[0])
    submit(client, webhook[1])
    drain_once(app)
    assert the_delivery(app)[0] == "retrying"  # due again in an hour
    assert api.get(f"/listen/{sid}/next").status_code == 204  # connecting queues it now
    worker = threading.Thread(target=drain, args=(app,))
    worker.start()
    request = poll_until_a_request(api, sid)
    assert request["headers"]["webhook-id"] == the_delivery(app)[2]
    assert request["path"] == "/real?campaign_name=spring"
    taken = api.post(f"/listen/{sid}/answers", json={
        "token": request["token"], "status": 200, "headers": {"X-From": "laptop"}, "body": "thanks",
        "duration_ms": 7})
    assert taken.status_code == 202
    worker.join(30)
    status, attempts, _ = the_delivery(app)
    assert status == "succeeded"
    assert attempts[-1]["response"] == {"status": 200, "headers": {"x-from": "laptop"}, "body": "thanks"}
    assert attempts[-1]["duration_ms"] == 7 and attempts[-1]["request"]["via"] == "listen"
    assert_error(api.post(f"/listen/{sid}/answers", json={"token": request["token"], "status": 200}), 404)


def drain_once(app):
    from app.core import queue
    from app.delivery import jobs
    from app.runtime.worker import run_worker

    jobs.bind_app(app)
    queue.move_due_jobs(app)
    run_worker(app, burst=True)


def poll_until_a_request(api, sid, tries=20):
    for _ in range(tries):
        response = api.get(f"/listen/{sid}/next")
        if response.status_code == 200:
            return response.get_json()
        assert response.status_code == 204
    raise AssertionError("no request came")


def test_also_sends_to_the_url_and_gives_the_client_a_copy(app, client, api, webhook, receiver):
    sid = open_session(api, webhook[0], mode="also")
    listen_sessions.touch(app.redis, sid, webhook[0], "key")  # a client polls
    submit(client, webhook[1])
    drain(app)
    status, attempts, delivery_id = the_delivery(app)
    assert status == "succeeded" and "via" not in attempts[0]["request"]
    assert receiver.requests[0].headers["webhook-id"] == delivery_id
    copy = listen_sessions.next_request(app.redis, sid, 0)
    assert copy["headers"]["webhook-id"] == delivery_id and copy["delivery_id"] == delivery_id


def test_answers_are_checked_field_by_field(app, api, webhook):
    sid = open_session(api, webhook[0])
    response = api.post(f"/listen/{sid}/answers", json={
        "token": 5, "status": 1000, "headers": {"a": 1}, "body": "x" * 70_000, "error": " ", "duration_ms": -1})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"token", "status", "headers", "body", "error",
                                                            "duration_ms"}
    assert_error(api.post(f"/listen/{sid}/answers", json={"token": "nope", "status": 200}), 404)
    assert_error(api.post(f"/listen/{sid}/answers", json={"token": "nope"}), 422, "status")


def test_a_local_410_does_not_disable_the_webhook():
    assert policy.decide(Outcome(status=410, via="listen"), 1, [5]).disable_reason is None
    assert policy.decide(Outcome(status=410), 1, [5]).disable_reason


def test_revoking_the_key_ends_a_waiting_poll_at_once(app, client, accounts, api, webhook, live_server):
    sid = open_session(api, webhook[0])
    answers = []

    def poll():
        request = urllib.request.Request(f"{live_server}/api/v1/listen/{sid}/next",
                                         headers={"Authorization": f"Bearer {api.key}"})
        started = time.monotonic()
        try:
            urllib.request.urlopen(request, timeout=60)
            answers.append(("answered", time.monotonic() - started))
        except urllib.error.HTTPError as error:
            answers.append((error.code, json.loads(error.read())["error"]["code"], time.monotonic() - started))

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)  # the poll is waiting
    accounts.login(client)
    with app.app_context():
        key_id = db.session.scalars(select(ApiKey.id).where(ApiKey.workspace_id == api.workspace_id)).one()
    assert client.post(f"/settings/api-keys/{key_id}/revoke", data={}).status_code == 302
    poller.join(30)
    [(status, code, waited)] = answers
    assert (status, code) == (401, "unauthorized")
    assert waited < listen_sessions.POLL_WAIT - 10, "the poll ended when the key was revoked, not at its end"
    assert listen_sessions.session_of_webhook(app.redis, webhook[0]) is None  # the worker sends to the URL again


def test_a_forms_local_webhook_is_made_once_and_follows_the_local_url(app, api, webhook):
    form_id = api.get(f"/webhooks/{webhook[0]}").get_json()["form_id"]
    first = api.post(f"/forms/{form_id}/listen", json={"url": "http://localhost:3000/hook"})
    assert first.status_code == 201, first.get_data(as_text=True)
    again = api.post(f"/forms/{form_id}/listen", json={"url": "http://localhost:4000/in?c={{ campaign_name }}"})
    assert again.get_json()["webhook_id"] == first.get_json()["webhook_id"]
    local = api.get(f"/webhooks/{again.get_json()['webhook_id']}").get_json()
    assert local["listen_only"] is True and local["url"] == "http://localhost:4000/in?c={{ campaign_name }}"
    assert local["name"] == "Local (listen)"
    assert api.get(f"/webhooks/{webhook[0]}").get_json()["listen_only"] is False
    assert_error(api.post(f"/forms/{form_id}/listen", json={"url": "http://localhost:3000/", "mode": "also"}),
                 422, "mode")
    assert_error(api.post(f"/forms/{form_id}/listen", json={"url": "ftp://localhost/"}), 422, "url")
    assert_error(api.post(f"/forms/{form_id}/listen", json={}), 422, "url")
    assert_error(api.post("/forms/frm_00000000000000000000000000/listen", json={"url": "http://localhost/"}), 404)


def test_the_editors_listen_panel_speaks_indonesian(app, api, webhook):
    from flask import render_template
    from flask_babel import force_locale

    from app.dashboard.listen_panel import listen_panel
    from app.models import Form, Webhook

    with app.test_request_context("/"), force_locale("id"):
        hook = db.session.get(Webhook, webhook[0])
        html = render_template("dashboard/_listen_panel.html", webhook=hook, form=db.session.get(Form, hook.form_id),
                               listen=listen_panel(hook))
    assert "Uji di komputer Anda" in html and "Belum ada klien yang tersambung" in html
    assert f"--webhook {webhook[0]}" in html
