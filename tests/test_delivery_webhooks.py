"""Several webhooks per form, events, conditions, rotation, URL edits and the delivery actions."""

import json
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from app.core import queue
from app.core.extensions import db
from app.delivery import sender
from app.delivery.outbox import job_id_for
from app.models import Delivery, Webhook
from app.models.base import utcnow
from app.services import deliveries as actions
from app.services.webhooks import rotate_webhook_secret
from tests.conftest import drain, make_webhook
from tests.delivery_support import (
    all_deliveries,
    form_with_webhook,
    only_delivery,
    send_once,
    submit,
    take_and_lease,
    webhook_state,
    work_once,
)
from tests.receiver import Receiver, Reply


def test_each_webhook_of_a_form_gets_its_own_delivery_and_conditions_decide(app, client, accounts, receiver):
    form_id, public_id, plain_id = form_with_webhook(app, accounts, f"{receiver.url}/plain")
    all_id = make_webhook(app, form_id, f"{receiver.url}/all", conditions={"match": "all", "rules": [
        {"field": "email", "op": "contains", "value": "@example.com"},
        {"field": "name", "op": "not_empty"},
    ]})
    any_id = make_webhook(app, form_id, f"{receiver.url}/any", conditions={"match": "any", "rules": [
        {"field": "email", "op": "ends_with_is_not_an_op", "value": "x"},
        {"field": "name", "op": "equals", "value": "ANA"},
    ]})
    miss_all_id = make_webhook(app, form_id, f"{receiver.url}/miss-all", conditions={"match": "all", "rules": [
        {"field": "name", "op": "equals", "value": "Ana"},
        {"field": "email", "op": "contains", "value": "@acme.test"},
    ]})
    miss_any_id = make_webhook(app, form_id, f"{receiver.url}/miss-any", conditions={"match": "any", "rules": [
        {"field": "name", "op": "empty"},
        {"field": "email", "op": "equals", "value": "bo@example.com"},
    ]})
    submit(client, public_id)
    drain(app)

    assert sorted(request.path for request in receiver.wait_for(3)) == ["/all", "/any", "/plain"]
    by_webhook = {delivery["webhook_id"]: delivery for delivery in all_deliveries(app)}
    assert {by_webhook[key]["status"] for key in (plain_id, all_id, any_id)} == {"succeeded"}
    assert by_webhook[miss_all_id]["status"] == "skipped" and by_webhook[miss_all_id]["attempts"] == []
    assert by_webhook[miss_all_id]["last_error"] == "conditions did not match: not email contains '@acme.test'"
    assert by_webhook[miss_any_id]["status"] == "skipped"
    assert by_webhook[miss_any_id]["last_error"] == (
        "conditions did not match: none of name empty; email equals 'bo@example.com'"
    )
    assert len(receiver.requests) == 3


def test_a_webhook_listening_only_to_tests_gets_no_submissions(app, client, accounts, receiver):
    _, public_id, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/hook", events=["webhook.test"])
    submit(client, public_id)
    assert all_deliveries(app) == []
    with app.app_context():
        delivery_id = actions.send_test_event(db.session.get(Webhook, webhook_id)).id
        db.session.commit()
    drain(app)
    (request,) = receiver.wait_for(1)
    payload = Verifier(webhook_state(app, webhook_id)["secret"]).verify(request.body, request.headers)
    assert payload["type"] == "webhook.test" and request.headers["webhook-id"] == delivery_id
    assert payload["data"]["submission"]["answers"] == {
        "name": "sample name", "email": "sample email", "campaign_name": "spring",
    }
    assert only_delivery(app)["event"] == "webhook.test"


def test_rotation_signs_with_both_secrets_for_24_hours(app, client, accounts, receiver):
    _, public_id, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    old_secret = webhook_state(app, webhook_id)["secret"]
    with app.app_context():
        new_secret = rotate_webhook_secret(db.session.get(Webhook, webhook_id))
        db.session.commit()
    assert new_secret != old_secret and new_secret.startswith("whsec_")
    submit(client, public_id)
    drain(app)
    (request,) = receiver.wait_for(1)
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert Verifier(new_secret).verify(request.body, request.headers)["type"] == "submission.created"
    assert Verifier(old_secret).verify(request.body, request.headers)["type"] == "submission.created"

    with app.app_context():  # a day later the old secret no longer signs
        webhook = db.session.get(Webhook, webhook_id)
        webhook.previous_secret_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    submit(client, public_id)
    drain(app)
    later = receiver.wait_for(2)[1]
    assert len(later.headers["webhook-signature"].split(" ")) == 1
    Verifier(new_secret).verify(later.body, later.headers)
    with pytest.raises(WebhookVerificationError):
        Verifier(old_secret).verify(later.body, later.headers)


def test_rotation_keeps_the_old_secret_for_exactly_24_hours(app, accounts):
    _, _, webhook_id = form_with_webhook(app, accounts, "https://hooks.example/in")
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        old = webhook.secret
        rotate_webhook_secret(webhook)
        db.session.commit()
        assert webhook.signing_secrets() == [webhook.secret, old]
        assert webhook.signing_secrets(utcnow() + timedelta(hours=23, minutes=59)) == [webhook.secret, old]
        assert webhook.signing_secrets(utcnow() + timedelta(hours=24, seconds=1)) == [webhook.secret]


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[600])
def test_editing_the_url_never_changes_attempts_already_made(app, client, accounts, receiver):
    other = Receiver().start()
    try:
        receiver.reply(Reply(status=500))
        _, public_id, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/old?token=s3cret&x=1")
        submit(client, public_id)
        work_once(app)  # attempt 1 fails; its retry waits ten minutes
        with app.app_context():
            db.session.get(Webhook, webhook_id).url = f"{other.url}/new"
            db.session.commit()
            actions.retry_now(db.session.scalars(db.select(Delivery)).one())
            db.session.commit()
        drain(app)
        (moved,) = other.wait_for(1)
    finally:
        other.stop()
    delivery = only_delivery(app)
    first, second = delivery["attempts"]
    # the URL as sent, its token masked in place: the token itself is never stored
    assert first["request"]["url"] == f"{receiver.url}/old?token=••••••&x=1"
    assert second["request"]["url"] == f"{other.url}/new"
    assert moved.headers["webhook-id"] == delivery["id"] == receiver.requests[0].headers["webhook-id"]
    assert receiver.requests[0].query["token"] == ["s3cret"]


def test_attempts_mask_credentials_but_send_them(app, client, accounts, receiver):
    headers = {"Authorization": "Bearer {{ email }}", "X-Api-Key": "k-123", "X-Plain": "{{ name }}"}
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook", headers=headers)
    submit(client, public_id)
    drain(app)
    (request,) = receiver.wait_for(1)
    assert request.headers["authorization"] == "Bearer ana@example.com"
    assert request.headers["x-api-key"] == "k-123"
    recorded = only_delivery(app)["attempts"][0]["request"]
    assert recorded["headers"]["Authorization"] == recorded["headers"]["X-Api-Key"] == "••••••"
    assert recorded["headers"]["X-Plain"] == "Ana"
    assert recorded["headers"]["webhook-id"] == request.headers["webhook-id"]
    assert json.loads(recorded["body"]) == json.loads(request.body)


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[600, 600])
def test_retry_now_replaces_the_scheduled_retry(app, client, accounts, receiver):
    receiver.reply(Reply(status=503))
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    work_once(app)
    delivery_id = only_delivery(app)["id"]
    assert list(queue.scheduled_jobs(app)) == [job_id_for(delivery_id, 2)]

    with app.app_context():
        actions.retry_now(db.session.get(Delivery, delivery_id))
        db.session.commit()
    assert queue.scheduled_jobs(app) == {}
    work_once(app)
    assert [request.headers["webhook-id"] for request in receiver.requests] == [delivery_id, delivery_id]
    delivery = only_delivery(app)
    assert delivery["status"] == "succeeded" and delivery["attempt_count"] == 2


def test_retry_now_resends_a_finished_delivery_with_the_same_id(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    drain(app)
    delivery_id = only_delivery(app)["id"]
    with app.app_context():
        actions.retry_now(db.session.get(Delivery, delivery_id))
        db.session.commit()
    drain(app)
    assert [request.headers["webhook-id"] for request in receiver.wait_for(2)] == [delivery_id, delivery_id]
    assert only_delivery(app)["attempt_count"] == 2


def test_retry_now_is_refused_for_a_disabled_webhook(app, client, accounts, receiver):
    receiver.reply(Reply(status=410))
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    drain(app)
    with app.app_context(), pytest.raises(actions.DeliveryActionRefused, match="disabled"):
        actions.retry_now(db.session.get(Delivery, only_delivery(app)["id"]))


def test_open_deliveries_of_a_disabled_webhook_close_without_sending(app, client, accounts, receiver):
    _, public_id, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        webhook.enabled, webhook.disabled_reason = False, "paused by the owner"
        db.session.commit()
    drain(app)
    assert receiver.requests == []
    delivery = only_delivery(app)
    assert delivery["status"] == "failed" and delivery["last_error"] == "webhook disabled: paused by the owner"


def test_a_template_that_fails_on_real_answers_fails_once_without_retrying(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(
        app, accounts, f"{receiver.url}/hook", body_template='{"n": {{ name | int // 0 }}}',
    )
    submit(client, public_id, {"name": "7", "email": "a@example.com"})
    drain(app)
    assert receiver.requests == []
    delivery = only_delivery(app)
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 1
    assert delivery["attempts"][0]["error_class"] == "template"
    assert delivery["last_error"].startswith("template error")


def test_a_test_event_reaches_a_paused_webhook(app, accounts, receiver):
    _, _, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/hook", enabled=False)
    with app.app_context():
        actions.send_test_event(db.session.get(Webhook, webhook_id))
        db.session.commit()
    drain(app)
    (request,) = receiver.wait_for(1)
    assert json.loads(request.body)["type"] == "webhook.test"


def test_retry_now_while_an_attempt_is_being_sent_is_sent_right_after_it(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    delivery_id = only_delivery(app)["id"]
    take_and_lease(app, delivery_id, 1, lease_seconds=30)
    with app.app_context():
        assert actions.retry_now(db.session.get(Delivery, delivery_id)) == "after_attempt"
        db.session.commit()
        assert db.session.get(Delivery, delivery_id).retry_requested is True
        db.session.remove()
    with app.app_context():  # the attempt in flight is sent and recorded: the retry is queued at once
        (item,) = sender.prepare_claimed([(delivery_id, 1)])
        item.outcome = send_once(item.prepared.method, item.prepared.url, item.prepared.headers,
                                 item.prepared.body, allowed_networks=app.config["WEBHOOK_ALLOWED_NETWORKS"])
        ((retried_id, number, _),) = sender.record([item], app.config["WEBHOOK_RETRY_SCHEDULE"])
        assert (retried_id, number) == (delivery_id, 2)
        assert db.session.get(Delivery, delivery_id).retry_requested is False
        db.session.remove()
