"""The delivery log: plain-language errors, replay with the same webhook-id, cancel, bulk resend, scoping."""

import shlex
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from app.core.extensions import db
from app.models import Attempt, Delivery, Webhook
from tests.conftest import csrf_token_from, drain, make_form, make_webhook
from tests.receiver import Reply


def _submit(client, public_id, name="Ana"):
    response = client.post(f"/f/{public_id}", json={"name": name, "email": "ana@example.com"})
    assert response.status_code == 201
    return response.get_json()["submission_id"]


def _only_delivery(app):
    with app.app_context():
        delivery = db.session.scalars(db.select(Delivery)).one()
        return delivery.id


def _setup(app, client, accounts, url, **webhook_settings):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, url, **webhook_settings)
    accounts.login(client)
    return form_id, public_id, webhook_id


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[0])
def test_log_shows_every_attempt_with_plain_language_errors(app, client, accounts, receiver):
    _, public_id, webhook_id = _setup(app, client, accounts, receiver.url + "/hook")
    receiver.reply(Reply(status=500, body=b"database is down"))
    receiver.reply(Reply(status=200, body=b"thanks"))
    submission_id = _submit(client, public_id)
    drain(app)
    delivery_id = _only_delivery(app)

    page = client.get(f"/webhooks/{webhook_id}/deliveries").get_data(as_text=True)
    assert delivery_id in page and "succeeded" in page

    detail = client.get(f"/deliveries/{delivery_id}").get_data(as_text=True)
    assert "Your server answered 500: it had an error handling the request." in detail
    assert "database is down" in detail
    assert "Your server answered 200: delivered." in detail and "thanks" in detail
    assert "webhook-signature" in detail and "Attempt 2" in detail

    by_submission = client.get(f"/submissions/{submission_id}/deliveries").get_data(as_text=True)
    assert delivery_id in by_submission


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_refused_connection_and_blocked_address_are_explained(app, client, accounts):
    _, public_id, webhook_id = _setup(app, client, accounts, "http://127.0.0.1:9/closed")
    _submit(client, public_id)
    drain(app)
    detail = client.get(f"/deliveries/{_only_delivery(app)}").get_data(as_text=True)
    assert "Nothing is listening at this address (connection refused)." in detail

    app.config["WEBHOOK_ALLOWED_NETWORKS"] = []
    with app.app_context():
        db.session.get(Webhook, webhook_id).url = "http://10.0.0.7/hook"
        db.session.commit()
    _submit(client, public_id, "Bo")
    drain(app)
    log = client.get(f"/webhooks/{webhook_id}/deliveries?status=failed").get_data(as_text=True)
    assert "We did not call this address: 10.0.0.7 is a private address." in log


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_resend_uses_the_same_webhook_id_and_adds_an_attempt(app, client, accounts, receiver):
    _, public_id, webhook_id = _setup(app, client, accounts, receiver.url)
    receiver.reply(Reply(status=503))
    _submit(client, public_id)
    drain(app)
    delivery_id = _only_delivery(app)
    with app.app_context():
        assert db.session.get(Delivery, delivery_id).status == "failed"

    response = client.post(f"/deliveries/{delivery_id}/resend")
    assert response.status_code == 302
    drain(app)
    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery_id
    assert first.body == second.body
    with app.app_context():
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery.status == "succeeded" and delivery.attempt_count == 2


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[3600])
def test_cancel_stops_a_pending_retry(app, client, accounts, receiver):
    _, public_id, _ = _setup(app, client, accounts, receiver.url)
    receiver.reply(Reply(status=500))
    _submit(client, public_id)
    drain_once(app)
    delivery_id = _only_delivery(app)
    with app.app_context():
        assert db.session.get(Delivery, delivery_id).status == "retrying"
    client.post(f"/deliveries/{delivery_id}/cancel")
    with app.app_context():
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery.status == "failed" and delivery.next_attempt_at is None
        assert delivery.last_error == "retry cancelled by owner@example.com"
    # the retry job, should it run now, finds the delivery closed and sends nothing
    from app.delivery import jobs

    jobs.deliver(delivery_id, 2)
    assert len(receiver.requests) == 1


def drain_once(app):
    from app.runtime.worker import run_worker

    run_worker(app, burst=True)


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_bulk_resend_failed_since(app, client, accounts, receiver):
    _, public_id, webhook_id = _setup(app, client, accounts, receiver.url)
    receiver.reply(Reply(status=500), Reply(status=500), Reply(status=500))
    for name in ("A", "B", "C"):
        _submit(client, public_id, name)
    drain(app)
    with app.app_context():
        old = db.session.scalars(db.select(Delivery).order_by(Delivery.id)).first()
        old.created_at = datetime.now(UTC) - timedelta(days=3)
        db.session.commit()
        old_id = old.id
    since = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/webhooks/{webhook_id}/resend-failed", data={"since": since}, follow_redirects=True)
    assert "Resending 2 failed deliveries" in response.get_data(as_text=True)
    drain(app)
    assert len(receiver.requests) == 5
    with app.app_context():
        statuses = {d.id: d.status for d in db.session.scalars(db.select(Delivery))}
    assert statuses.pop(old_id) == "failed"
    assert set(statuses.values()) == {"succeeded"}


def test_copy_as_curl_keeps_the_masks_and_says_so(app, client, accounts, receiver):
    _, public_id, _ = _setup(
        app, client, accounts, receiver.url + "/in?lead={{ name }}&access_token=tok_{{ campaign_name }}",
        headers={"Authorization": "Bearer sk_live_{{ campaign_name }}", "X-Campaign": "{{ campaign_name }}"},
    )
    _submit(client, public_id, "Zoë O'Neil")
    drain(app)
    delivery_id = _only_delivery(app)
    with app.app_context():
        attempt_id = db.session.scalars(db.select(Attempt.id)).one()

    command = client.get(f"/deliveries/{delivery_id}/attempts/{attempt_id}/curl").get_data(as_text=True)
    assert "sk_live_" not in command and "tok_spring" not in command
    assert "Authorization: ••••••" in command and "access_token=••••••" in command
    page = client.get(f"/deliveries/{delivery_id}").get_data(as_text=True)
    assert "sends the mask ••••••, not the real value" in page and "Copy with real values" in page


def test_copy_with_real_values_repeats_the_request_byte_for_byte(app, client, accounts, receiver):
    _, public_id, webhook_id = _setup(
        app, client, accounts, receiver.url + "/in?lead={{ name }}&access_token=tok_{{ campaign_name }}",
        headers={"Authorization": "Bearer sk_live_{{ campaign_name }}", "X-Campaign": "{{ campaign_name }}"},
    )
    _submit(client, public_id, "Zoë O'Neil")
    drain(app)
    delivery_id = _only_delivery(app)
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt)).one()
        assert attempt.request["headers"]["Authorization"] == "••••••"
        assert attempt.request["url"].endswith("&access_token=••••••")
        attempt_id, secret = attempt.id, db.session.get(Webhook, webhook_id).secret

    reveal = f"/deliveries/{delivery_id}/attempts/{attempt_id}/curl/reveal"
    assert client.get(reveal).status_code == 405, "a reveal is never a GET"
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(reveal).status_code == 400, "a reveal needs the page's CSRF token"
    token = csrf_token_from(client.get(f"/deliveries/{delivery_id}").get_data(as_text=True))
    revealed = client.post(reveal, data={"csrf_token": token})
    assert revealed.status_code == 200 and revealed.headers["Cache-Control"] == "no-store"
    command = revealed.get_data(as_text=True)
    assert "sk_live_spring" in command and "••••••" not in command
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, timeout=30)
    original, replayed = receiver.wait_for(2)
    assert replayed.body == original.body
    assert replayed.path == original.path and replayed.query == original.query
    assert replayed.query["access_token"] == ["tok_spring"]
    for name in ("authorization", "x-campaign", "content-type", "user-agent", "webhook-id", "webhook-timestamp"):
        assert replayed.headers[name] == original.headers[name], name
    assert replayed.headers["authorization"] == "Bearer sk_live_spring"
    Verifier(secret).verify(replayed.text, replayed.headers)
    assert shlex.split(command)[0] == "curl"


def test_copy_body_returns_the_sent_body(app, client, accounts, receiver):
    _setup_and_send = _setup(app, client, accounts, receiver.url)
    _submit(client, _setup_and_send[1])
    drain(app)
    delivery_id = _only_delivery(app)
    with app.app_context():
        attempt_id = db.session.scalars(db.select(Attempt.id)).one()
    body = client.get(f"/deliveries/{delivery_id}/attempts/{attempt_id}/body").get_data()
    assert body == receiver.wait_for(1)[0].body


def test_another_workspace_cannot_see_or_touch_deliveries(app, client, accounts, receiver):
    _, public_id, webhook_id = _setup(app, client, accounts, receiver.url)
    submission_id = _submit(client, public_id)
    drain(app)
    delivery_id = _only_delivery(app)
    with app.app_context():
        attempt_id = db.session.scalars(db.select(Attempt.id)).one()

    accounts.user("mallory@example.com")
    other = app.test_client()
    accounts.login(other, "mallory@example.com")
    for path in (
        f"/webhooks/{webhook_id}/deliveries", f"/webhooks/{webhook_id}/health", f"/webhooks/{webhook_id}/audit",
        f"/deliveries/{delivery_id}", f"/deliveries/{delivery_id}/attempts/{attempt_id}/curl",
        f"/deliveries/{delivery_id}/attempts/{attempt_id}/body", f"/submissions/{submission_id}/deliveries",
    ):
        assert other.get(path).status_code == 404, path
    for path in (f"/deliveries/{delivery_id}/resend", f"/deliveries/{delivery_id}/cancel",
                 f"/deliveries/{delivery_id}/attempts/{attempt_id}/curl/reveal",
                 f"/webhooks/{webhook_id}/resend-failed", f"/webhooks/{webhook_id}/enable"):
        assert other.post(path).status_code == 404, path
    assert len(receiver.requests) == 1


def test_replay_buttons_need_a_csrf_token(app, client, accounts, receiver):
    _, public_id, _ = _setup(app, client, accounts, receiver.url)
    _submit(client, public_id)
    drain(app)
    delivery_id = _only_delivery(app)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/deliveries/{delivery_id}/resend").status_code == 400
    token = csrf_token_from(client.get(f"/deliveries/{delivery_id}").get_data(as_text=True))
    assert client.post(f"/deliveries/{delivery_id}/resend", data={"csrf_token": token}).status_code == 302
    drain(app)
    assert len(receiver.wait_for(2)) == 2


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_filter_by_status_and_time(app, client, accounts, receiver):
    _, public_id, webhook_id = _setup(app, client, accounts, receiver.url)
    receiver.reply(Reply(status=500))
    _submit(client, public_id, "fails")
    _submit(client, public_id, "works")
    drain(app)
    with app.app_context():
        failed = db.session.scalars(db.select(Delivery).where(Delivery.status == "failed")).one()
        succeeded = db.session.scalars(db.select(Delivery).where(Delivery.status == "succeeded")).one()
        failed.created_at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
        db.session.commit()
        failed_id, succeeded_id = failed.id, succeeded.id
    log = f"/webhooks/{webhook_id}/deliveries"

    def shown(query):
        page = client.get(f"{log}?{query}").get_data(as_text=True)
        return {delivery_id for delivery_id in (failed_id, succeeded_id) if delivery_id in page}

    assert shown("") == {failed_id, succeeded_id}
    assert shown("status=failed") == {failed_id}
    assert shown("status=succeeded") == {succeeded_id}
    assert shown("since=2026-01-10T08:00&until=2026-01-10T10:00") == {failed_id}
    assert shown("since=2026-01-11T00:00") == {succeeded_id}
    bad_date = client.get(f"{log}?since=not-a-date")
    assert bad_date.status_code == 400 and "From: not a date" in bad_date.get_data(as_text=True)
    bad_status = client.get(f"{log}?status=bogus")
    assert bad_status.status_code == 400 and "status: must be one of" in bad_status.get_data(as_text=True)
