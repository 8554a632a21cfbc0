"""The whole path: hosted form POST → outbox → RQ worker → signed webhook."""

import json

from standardwebhooks.webhooks import Webhook as Verifier

from app.core.extensions import db
from app.models import Attempt, Delivery, Submission, Webhook
from tests.conftest import drain, make_form, make_webhook

SEED_QUERY = "campaign_name={{ campaign_name }}&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}"
FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring sale"},
    {"key": "campaign_type", "label": "Type", "type": "hidden", "default": "email"},
    {"key": "lead_status", "label": "Status", "type": "hidden", "default": "new & hot"},
]


def test_submission_reaches_receiver_signed_with_seed_query_expanded(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    webhook_id = make_webhook(app, form_id, f"{receiver.url}/webhook?{SEED_QUERY}")

    response = client.post(
        f"/f/{public_id}?campaign_name=Zo%C3%AB%20%26%20Co&utm_source=newsletter",
        json={"name": "Ana", "email": "ana@example.com"},
        headers={"Referer": "https://shop.example/landing"},
    )
    assert response.status_code == 201
    submission_id = response.get_json()["submission_id"]

    drain(app)
    (request,) = receiver.wait_for(1)
    assert request.path == "/webhook"
    assert request.query == {
        "campaign_name": ["Zoë & Co"], "campaign_type": ["email"], "lead_status": ["new & hot"],
    }
    with app.app_context():
        secret = db.session.get(Webhook, webhook_id).secret
    payload = Verifier(secret).verify(request.text, request.headers)
    assert payload["type"] == "submission.created"
    assert payload["data"]["form"] == {"id": form_id, "name": "Leads"}
    submission = payload["data"]["submission"]
    assert submission["id"] == submission_id
    assert submission["answers"] == {
        "name": "Ana", "email": "ana@example.com", "campaign_name": "Zoë & Co",
        "campaign_type": "email", "lead_status": "new & hot",
    }
    assert submission["meta"]["utm_source"] == "newsletter"
    assert submission["meta"]["referrer"] == "https://shop.example/landing"
    assert request.headers["user-agent"].startswith("Formhook-Webhooks/")
    assert request.headers["content-type"] == "application/json"

    with app.app_context():
        delivery = db.session.scalars(db.select(Delivery)).one()
        assert delivery.status == "succeeded" and delivery.attempt_count == 1
        assert request.headers["webhook-id"] == delivery.id
        attempt = db.session.scalars(db.select(Attempt)).one()
        assert attempt.response["status"] == 200
        assert attempt.request["url"].startswith(receiver.url + "/webhook?campaign_name=Zo%C3%AB%20%26%20Co")
        assert json.loads(attempt.request["body"]) == payload
        assert attempt.duration_ms >= 0


def test_submission_is_stored_even_when_no_webhook(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS)
    response = client.post(f"/f/{public_id}", data={"name": "Bo", "email": "bo@example.com"})
    assert response.status_code == 200
    assert "Thank you" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Submission)).one().answers["name"] == "Bo"
        assert db.session.scalars(db.select(Delivery)).all() == []


def test_disabled_webhook_gets_no_delivery(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    make_webhook(app, form_id, receiver.url, enabled=False)
    client.post(f"/f/{public_id}", json={"name": "Bo", "email": "bo@example.com"})
    drain(app)
    assert receiver.requests == []
