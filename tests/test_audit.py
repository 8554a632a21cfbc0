"""The audit trail: saving a webhook records who changed what; the page shows it; secrets never stored."""

from app.core.extensions import db
from app.models import AuditEvent, Webhook
from app.services.audit import record_webhook_change, snapshot
from tests.conftest import make_form, make_webhook
from tests.test_webhook_settings import editor_data


def test_saving_the_webhook_url_records_who_changed_what(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    accounts.login(client)
    created = client.post(f"/forms/{form_id}/settings/webhook", data={"url": "https://crm.example/a"})
    webhook_path = created.headers["Location"]
    client.post(webhook_path, data=editor_data("https://crm.example/b", enabled=""))
    client.post(webhook_path, data=editor_data("https://crm.example/b", enabled=""))
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)).all()
        assert [e.action for e in events] == ["created", "updated"], "an unchanged save records nothing"
        assert events[0].changes["url"] == {"from": None, "to": "https://crm.example/a"}
        assert events[1].changes == {
            "url": {"from": "https://crm.example/a", "to": "https://crm.example/b"},
            "enabled": {"from": True, "to": False},
        }
        assert {e.actor for e in events} == {"owner@example.com"}
        webhook_id = events[0].webhook_id
    page = client.get(f"/webhooks/{webhook_id}/audit").get_data(as_text=True)
    assert "https://crm.example/b" in page and "owner@example.com" in page and "updated" in page


def test_secret_and_header_changes_are_recorded_without_the_secret(app, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "https://crm.example/a")
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        before = snapshot(webhook)
        old_secret = webhook.secret
        webhook.rotate_secret()
        webhook.headers = {"Authorization": "Bearer x"}
        record_webhook_change(webhook, None, before)
        db.session.commit()
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert event.actor == "Formhook"
        assert set(event.changes) == {"secret", "headers"}
        assert old_secret not in str(event.changes) and webhook.secret not in str(event.changes)
        assert event.changes["headers"]["to"] == {"Authorization": "••••••"}
        assert "Bearer x" not in str(event.changes)


def test_api_changes_are_recorded_with_the_api_key(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    key = accounts.api_key(workspace_id)
    auth = {"Authorization": f"Bearer {key}"}
    created = client.post(f"/api/v1/forms/{form_id}/webhooks", json={"url": "https://crm.example/a"}, headers=auth)
    assert created.status_code == 201
    webhook_id = created.get_json()["id"]
    assert client.patch(f"/api/v1/webhooks/{webhook_id}", json={"url": "https://crm.example/b"},
                        headers=auth).status_code == 200
    assert client.post(f"/api/v1/webhooks/{webhook_id}/rotate-secret", headers=auth).status_code == 200
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)).all()
    assert [e.action for e in events] == ["created", "updated", "updated"]
    assert events[1].changes == {"url": {"from": "https://crm.example/a", "to": "https://crm.example/b"}}
    assert set(events[2].changes) == {"secret"}
    assert all(e.actor.startswith("API key “default” (fh_") for e in events)
    assert key not in str([e.actor for e in events])


def test_urls_headers_and_body_templates_are_stored_as_typed_with_credentials_masked(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    accounts.login(client)
    typed = "https://hook:pa55word@crm.example/bot123:AAH-secret_x/send?chat_id=42&access_token=tok9&c={{ email }}"
    created = client.post(f"/forms/{form_id}/webhooks/new", data=editor_data(
        typed, header_name=["X-Tag", "X-Api-Key"], header_value=["Bearer abcdef123456", "k-1"],
        body_template='{"email": "{{ email }}", "key": "fh_abcdefghijklmnopqrstu"}',
    ))
    assert created.status_code == 302
    client.post(created.headers["Location"], data=editor_data(
        typed.replace("tok9", "tok10"), header_name=["X-Tag", "X-Api-Key"], header_value=["Bearer abcdef123456", "k-2"],
        body_template='{"email": "{{ email }}", "key": "fh_abcdefghijklmnopqrstu"}',
    ))
    with app.app_context():
        first, second = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)).all()
    assert first.changes["url"]["to"] == (
        "https://hook:••••••@crm.example/bot••••••/send?chat_id=42&access_token=••••••&c={{ email }}"
    )
    assert first.changes["headers"]["to"] == {"X-Tag": "Bearer ••••••", "X-Api-Key": "••••••"}
    assert first.changes["body_template"]["to"] == '{"email": "{{ email }}", "key": "fh_••••••"}'
    # only masked parts changed: the trail says so rather than showing an empty change
    assert second.changes["url"]["note"] == "a secret part of the url changed"
    assert second.changes["headers"]["note"] == "a secret header value changed"
    stored = str(first.changes) + str(second.changes)
    for plaintext in ("pa55word", "AAH-secret_x", "tok9", "tok10", "abcdef123456", "k-1", "k-2", "fh_abcdefghij"):
        assert plaintext not in stored
    page = client.get(f"/webhooks/{first.webhook_id}/audit").get_data(as_text=True)
    assert "a secret part of the url changed" in page
