"""Integration presets: each builds the request its service documents, sent for real to a local receiver."""

import json

import pytest

from app.core.extensions import db
from app.integrations import presets
from app.models import Form, Webhook
from tests.conftest import drain, make_form

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "E-mail {work}", "type": "email", "required": True},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
    {"key": "campaign_type", "label": "Type", "type": "hidden", "default": "email"},
    {"key": "lead_status", "label": "Status", "type": "hidden", "default": "new"},
]
ANSWERS = {"name": 'Zoë "Z" & Co', "email": "zoe@example.com"}
BOT_TOKEN = "123456789:AAEhBP0av28-EXAMPLE_token_0123456789"
WA_TOKEN = "EAAJBexampleACCESStoken0123456789"
VALUES = {
    "telegram": {"bot_token": BOT_TOKEN, "chat_id": "-1001234567890"},
    "whatsapp": {"phone_number_id": "106540352242922", "access_token": WA_TOKEN, "to": "+16505551234", "mode": "text"},
    "slack": {"webhook_url": "https://hooks.slack.com/services/T000/B000/XXXX"},
    "discord": {"webhook_url": "https://discord.com/api/webhooks/123/abc-DEF"},
    "crm": {"endpoint": "https://crm.example/webhook"},
}
EXPECTED_TEXT = 'New submission to Leads\nName: Zoë "Z" & Co\nE-mail work: zoe@example.com\nCampaign: spring'


def send_through_preset(app, client, accounts, receiver, name):
    """Create the preset's webhook (host swapped for the receiver), submit the form, deliver for real."""
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    with app.app_context():
        form = db.session.get(Form, form_id)
        settings, errors = presets.build(name, VALUES[name], form, base_url=receiver.url)
        assert errors == {}
        db.session.add(Webhook(workspace_id=workspace_id, form_id=form_id, **settings))
        db.session.commit()
    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    drain(app)
    (request,) = receiver.wait_for(1)
    return request


def test_telegram_send_message(app, client, accounts, receiver):
    request = send_through_preset(app, client, accounts, receiver, "telegram")
    assert request.method == "POST"
    assert request.path == f"/bot{BOT_TOKEN}/sendMessage"
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.body)
    assert set(body) == {"chat_id", "text"}
    assert body["chat_id"] == "-1001234567890"
    assert body["text"].startswith(EXPECTED_TEXT)


def test_whatsapp_cloud_api_text_message(app, client, accounts, receiver):
    request = send_through_preset(app, client, accounts, receiver, "whatsapp")
    assert request.method == "POST"
    assert request.path == "/v21.0/106540352242922/messages"
    assert request.headers["authorization"] == f"Bearer {WA_TOKEN}"
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.body)
    assert {key: body[key] for key in ("messaging_product", "to", "type")} == {
        "messaging_product": "whatsapp", "to": "16505551234", "type": "text"}
    assert body["text"]["body"].startswith(EXPECTED_TEXT)


@pytest.mark.parametrize(("name", "path", "text_key"), [
    ("slack", "/services/T000/B000/XXXX", "text"),
    ("discord", "/api/webhooks/123/abc-DEF", "content"),
])
def test_slack_and_discord_incoming_webhooks(app, client, accounts, receiver, name, path, text_key):
    request = send_through_preset(app, client, accounts, receiver, name)
    assert (request.method, request.path) == ("POST", path)
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.body)
    assert list(body) == [text_key] and body[text_key].startswith(EXPECTED_TEXT)


def test_crm_campaign_query(app, client, accounts, receiver):
    request = send_through_preset(app, client, accounts, receiver, "crm")
    assert (request.method, request.path) == ("POST", "/webhook")
    assert request.query == {"campaign_name": ["spring"], "campaign_type": ["email"], "lead_status": ["new"]}
    assert json.loads(request.body)["data"]["submission"]["answers"]["email"] == "zoe@example.com"


def test_preset_fills_the_editor_with_the_real_service_url(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id, FIELDS)
    asked = client.get(f"/forms/{form_id}/webhooks/new?preset=telegram").get_data(as_text=True)
    assert 'name="bot_token"' in asked and 'name="chat_id"' in asked
    page = client.post(f"/forms/{form_id}/webhooks/new/telegram", data=VALUES["telegram"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="https://api.telegram.org/bot{BOT_TOKEN}/sendMessage"' in html
    assert "&#34;chat_id&#34;: &#34;-1001234567890&#34;" in html
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []  # nothing saved yet

    page = client.post(f"/forms/{form_id}/webhooks/new/whatsapp", data=VALUES["whatsapp"]).get_data(as_text=True)
    assert 'value="Authorization"' in page and f'value="Bearer {WA_TOKEN}"' in page

    with app.app_context():
        settings, _ = presets.build("whatsapp", VALUES["whatsapp"], db.session.get(Form, form_id))
    saved = client.post(f"/forms/{form_id}/webhooks/new", data={
        "url": settings["url"], "method": "POST", "format": "json", "body_template": settings["body_template"],
        "header_name": "Authorization", "header_value": f"Bearer {WA_TOKEN}", "match": "all", "enabled": "y",
    })
    assert saved.status_code == 302
    with app.app_context():
        webhook = db.session.scalars(db.select(Webhook)).one()
        assert (webhook.url, webhook.body_template) == (settings["url"], settings["body_template"])


@pytest.mark.parametrize(("name", "values", "field"), [
    ("telegram", {"bot_token": "nope", "chat_id": "1"}, "bot_token"),
    ("whatsapp", {"phone_number_id": "x", "access_token": WA_TOKEN, "to": "+1650"}, "phone_number_id"),
    ("slack", {"webhook_url": "https://evil.example/services/x"}, "webhook_url"),
    ("discord", {"webhook_url": "https://discord.com/api/webhooks/{{ x }}"}, "webhook_url"),
    ("crm", {"endpoint": "https://crm.example/webhook?already=1"}, "endpoint"),
])
def test_bad_preset_values_are_refused_next_to_the_field(app, client, accounts, name, values, field):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id, FIELDS)
    response = client.post(f"/forms/{form_id}/webhooks/new/{name}", data=values)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="preset-{field}"' in html and 'class="error"' in html


def test_unknown_preset_is_404(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id, FIELDS)
    assert client.post(f"/forms/{form_id}/webhooks/new/myspace", data={}).status_code == 404
