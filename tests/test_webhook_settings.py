"""Settings → Webhook URL: list, create, edit, delete, preview, secret, test event."""

import json

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from app.core.extensions import db
from app.models import Delivery, Webhook
from tests.conftest import csrf_token_from, drain, make_form, make_webhook

SEED_URL = (
    "https://crm.example/webhook?campaign_name={{ campaign_name }}"
    "&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}"
)
CAMPAIGN_FIELDS = [
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring sale"},
    {"key": "campaign_type", "label": "Type", "type": "hidden", "default": "email"},
    {"key": "lead_status", "label": "Status", "type": "hidden", "default": "new"},
]


@pytest.fixture
def owner(app, client, accounts):
    """A logged-in owner with a campaign form; returns (workspace_id, form_id, public_id)."""
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, public_id = make_form(app, workspace_id, CAMPAIGN_FIELDS)
    return workspace_id, form_id, public_id


def editor_data(url, **extra):
    data = {"url": url, "method": "POST", "format": "json", "match": "all", "enabled": "y"}
    data.update(extra)
    return data


def test_create_edit_and_list_webhooks(app, client, owner, receiver):
    _, form_id, _ = owner
    response = client.post(f"/forms/{form_id}/webhooks/new", data=editor_data(
        f"{receiver.url}/hook?c={{{{ campaign_name }}}}",
        header_name=["X-Api-Key", ""], header_value=["k-{{ email }}", ""],
        rule_field=["campaign_type"], rule_op=["equals"], rule_value=["email"],
    ))
    assert response.status_code == 302
    client.post(f"/forms/{form_id}/webhooks/new", data=editor_data(f"{receiver.url}/second", method="PUT"))
    with app.app_context():
        first, second = db.session.scalars(db.select(Webhook).order_by(Webhook.created_at)).all()
        assert first.headers == {"X-Api-Key": "k-{{ email }}"}
        assert first.conditions == {"match": "all", "rules": [{"field": "campaign_type", "op": "equals",
                                                               "value": "email"}]}
        assert second.method == "PUT"
        first_id = first.id
    page = client.get(f"/forms/{form_id}/settings/webhook").get_data(as_text=True)
    assert f"{receiver.url}/hook?c={{{{ campaign_name }}}}" in page and f"{receiver.url}/second" in page

    edit = client.get(f"/forms/{form_id}/webhooks/{first_id}").get_data(as_text=True)
    assert 'value="X-Api-Key"' in edit and 'data-insert="{{ meta.utm_source }}"' in edit
    assert 'data-insert="{{ campaign_name }}"' in edit
    response = client.post(f"/forms/{form_id}/webhooks/{first_id}", data=editor_data(
        f"{receiver.url}/edited", format="form", enabled="",
    ))
    assert response.status_code == 302
    with app.app_context():
        edited = db.session.get(Webhook, first_id)
        assert (edited.url, edited.format, edited.enabled, edited.headers, edited.conditions) == (
            f"{receiver.url}/edited", "form", False, {}, None)


def test_invalid_settings_show_field_errors_and_save_nothing(app, client, owner):
    _, form_id, _ = owner
    response = client.post(f"/forms/{form_id}/webhooks/new", data=editor_data(
        "http://10.0.0.5/hook", body_template="{{ email ", header_name=["Bad Name"], header_value=["x"],
        rule_field=["nope"], rule_op=["gt"], rule_value=["1"],
    ))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "private address" in page
    assert "template syntax error" in page
    assert "is not a header name you can set" in page
    assert "must be one of the form&#39;s field keys" in page
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []


def test_unknown_name_saves_with_a_warning(client, owner, receiver):
    _, form_id, _ = owner
    response = client.post(f"/forms/{form_id}/webhooks/new", data=editor_data(f"{receiver.url}/?x={{{{ nope }}}}"),
                           follow_redirects=True)
    assert "unknown name &#39;nope&#39; renders as empty" in response.get_data(as_text=True)


def test_preview_expands_the_seed_url_with_the_latest_submission(client, owner):
    _, form_id, public_id = owner
    sample = client.post(f"/forms/{form_id}/webhooks/preview", data=editor_data(SEED_URL)).get_json()
    assert sample["request"]["url"] == (
        "https://crm.example/webhook?campaign_name=spring%20sale&campaign_type=email&lead_status=new")
    assert "sample answers" in sample["source"]

    client.post(f"/f/{public_id}?campaign_name=Zo%C3%AB%20%26%20Co", json={"email": "ana@example.com"})
    result = client.post(f"/forms/{form_id}/webhooks/preview", data=editor_data(
        SEED_URL, header_name=["Authorization", "X-Lead"], header_value=["Bearer t0ken", "{{ email }}"],
        body_template='{"who": "{{ email }}", "c": "{{ campaign_name }}"}',
    )).get_json()
    request = result["request"]
    assert request["url"] == (
        "https://crm.example/webhook?campaign_name=Zo%C3%AB%20%26%20Co&campaign_type=email&lead_status=new")
    assert json.loads(request["body"]) == {"who": "ana@example.com", "c": "Zoë & Co"}
    assert request["headers"]["X-Lead"] == "ana@example.com"
    assert request["headers"]["Authorization"] != "Bearer t0ken"  # credentials are masked
    assert request["headers"]["webhook-signature"].startswith("v1,")
    assert "latest submission" in result["source"] and result["errors"] == {}


def test_preview_reports_template_errors_and_warnings(client, owner):
    _, form_id, _ = owner
    result = client.post(f"/forms/{form_id}/webhooks/preview", data=editor_data(
        "https://crm.example/?a={{ missing }}", body_template="{{ email.__class__ }}",
    )).get_json()
    assert "private attributes" in result["errors"]["body_template"]
    assert result["request"] is None
    result = client.post(f"/forms/{form_id}/webhooks/preview", data=editor_data(
        "https://crm.example/?a={{ missing }}", body_template='{"a": {{ email }}}',
    )).get_json()
    assert "unknown name 'missing' renders as empty" in result["warnings"]
    assert "the body is not valid JSON with these answers" in result["warnings"]


def test_delete_asks_then_deletes(app, client, owner, receiver):
    _, form_id, _ = owner
    webhook_id = make_webhook(app, form_id, receiver.url)
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}/delete")
    assert page.status_code == 200 and "Delete this webhook?" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Webhook, webhook_id) is not None
    response = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/delete")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Webhook, webhook_id) is None


def test_toggle_disables_and_enables(app, client, owner, receiver):
    _, form_id, _ = owner
    webhook_id = make_webhook(app, form_id, receiver.url)
    client.post(f"/forms/{form_id}/webhooks/{webhook_id}/toggle")
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert not webhook.enabled and webhook.disabled_reason == "disabled in the dashboard"
    response = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/toggle", data={"back": "edit"})
    assert response.headers["Location"].endswith(f"/webhooks/{webhook_id}")
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert webhook.enabled and webhook.disabled_reason is None


def test_secret_is_masked_revealed_and_rotated(app, client, owner, receiver):
    _, form_id, _ = owner
    webhook_id = make_webhook(app, form_id, receiver.url)
    with app.app_context():
        old_secret = db.session.get(Webhook, webhook_id).secret
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert old_secret not in page
    assert client.post(f"/forms/{form_id}/webhooks/{webhook_id}/secret").get_json()["secret"] == old_secret

    response = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/rotate-secret", follow_redirects=True)
    assert "keeps signing alongside it" in response.get_data(as_text=True)
    revealed = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/secret").get_json()
    assert revealed["secret"] != old_secret and revealed["previous_secret"] == old_secret
    assert revealed["previous_secret_expires_at"]


def test_send_test_event_and_poll_its_status(app, client, owner, receiver):
    _, form_id, _ = owner
    webhook_id = make_webhook(app, form_id, f"{receiver.url}/hook?c={{{{ campaign_name }}}}")
    queued = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/test", headers={"Accept": "application/json"})
    assert queued.status_code == 202
    body = queued.get_json()
    assert body["status"] == "pending" and body["done"] is False
    drain(app)
    (request,) = receiver.wait_for(1)
    assert request.query == {"c": ["spring sale"]}
    with app.app_context():
        secret = db.session.get(Webhook, webhook_id).secret
    assert Verifier(secret).verify(request.text, request.headers)["type"] == "webhook.test"
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert 'id="recent-deliveries"' in page and "status-succeeded" in page
    assert "Your server answered 200: delivered." in page
    status = client.get(body["status_url"]).get_json()
    assert status == {"delivery_id": body["delivery_id"], "status": "succeeded", "done": True,
                      "attempt_count": 1, "last_status_code": 200, "last_error": None,
                      "explanation": "Your server answered 200: delivered.",
                      "delivery_url": f"/deliveries/{body['delivery_id']}"}


def test_send_test_event_without_javascript_flashes(app, client, owner, receiver):
    _, form_id, _ = owner
    webhook_id = make_webhook(app, form_id, receiver.url)
    response = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/test", follow_redirects=True)
    assert "Test event msg_" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Delivery)).one().event == "webhook.test"


def test_another_workspaces_webhooks_are_404(app, client, accounts, owner, receiver):
    _, other_ws = accounts.user("other@example.com")
    other_form, _ = make_form(app, other_ws, CAMPAIGN_FIELDS)
    other_hook = make_webhook(app, other_form, receiver.url)
    _, my_form, _ = owner
    my_hook = make_webhook(app, my_form, receiver.url)
    with app.app_context():
        delivery = Delivery(workspace_id=other_ws, webhook_id=other_hook, event="webhook.test", payload={})
        db.session.add(delivery)
        db.session.commit()
        other_delivery = delivery.id
    gets = [
        f"/forms/{other_form}/settings/webhook", f"/forms/{other_form}/webhooks/new",
        f"/forms/{other_form}/webhooks/{other_hook}", f"/forms/{my_form}/webhooks/{other_hook}",
        f"/forms/{other_form}/webhooks/{other_hook}/delete", f"/forms/{my_form}/deliveries/{other_delivery}/status",
    ]
    for path in gets:
        assert client.get(path).status_code == 404, path
    posts = [
        f"/forms/{other_form}/webhooks/preview", f"/forms/{my_form}/webhooks/{other_hook}/secret",
        f"/forms/{my_form}/webhooks/{other_hook}/rotate-secret", f"/forms/{my_form}/webhooks/{other_hook}/test",
        f"/forms/{my_form}/webhooks/{other_hook}/toggle", f"/forms/{my_form}/webhooks/{other_hook}/delete",
        f"/forms/{other_form}/webhooks/new/telegram",
    ]
    for path in posts:
        assert client.post(path, data=editor_data("https://crm.example/")).status_code == 404, path
    preview = client.post(f"/forms/{my_form}/webhooks/preview", data=editor_data("https://x.example/",
                                                                                 webhook_id=other_hook))
    assert preview.status_code == 404
    with app.app_context():
        assert db.session.get(Webhook, other_hook).enabled
        assert db.session.get(Webhook, my_hook) is not None


def test_pages_need_login(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    response = client.get(f"/forms/{form_id}/settings/webhook")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_posts_without_csrf_token_are_refused(app, client, owner, receiver):
    _, form_id, _ = owner
    webhook_id = make_webhook(app, form_id, receiver.url)
    app.config["WTF_CSRF_ENABLED"] = True
    for path in (f"/forms/{form_id}/webhooks/{webhook_id}/rotate-secret", f"/forms/{form_id}/webhooks/preview",
                 f"/forms/{form_id}/webhooks/{webhook_id}/secret", f"/forms/{form_id}/webhooks/new"):
        assert client.post(path, data=editor_data(receiver.url)).status_code == 400, path
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    token = csrf_token_from(page)
    revealed = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/secret", headers={"X-CSRFToken": token})
    assert revealed.status_code == 200 and revealed.get_json()["secret"].startswith("whsec_")
    saved = client.post(f"/forms/{form_id}/webhooks/{webhook_id}", data=editor_data(receiver.url, csrf_token=token))
    assert saved.status_code == 302
