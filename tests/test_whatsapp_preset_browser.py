"""The WhatsApp preset in a real Chromium: pick the mode, send to the lead's number, read the Graph API request."""

import json

import pytest
from playwright.sync_api import expect

from app.core.extensions import db
from app.models import Workspace
from tests.browser_support import screenshot
from tests.conftest import make_form

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "phone", "label": "WhatsApp number", "type": "phone", "required": True},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "ramadan"},
]
pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_whatsapp_template_message_to_the_lead(app, client, owner_page, live_server):
    page = owner_page
    with app.app_context():
        workspace_id = db.session.scalars(db.select(Workspace.id)).one()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    assert client.post(f"/f/{public_id}", json={"name": "Sari", "phone": "0813-9999-8888"}).status_code == 201

    page.goto(f"{live_server}/forms/{form_id}/webhooks/new?preset=whatsapp")
    template_name = page.get_by_label("Template name")
    expect(template_name).to_be_visible()
    page.get_by_label("Free text").check()
    expect(template_name).to_be_hidden()  # free text asks no template
    expect(page.locator("#preset-mode-text-hint")).to_contain_text("within 24 hours")
    page.get_by_label("Approved template message").check()
    expect(template_name).to_be_visible()

    page.get_by_label("Phone-number id").fill("106540352242922")
    page.get_by_label("Access token").fill("EAAJBexampleACCESStoken0123456789")
    expect(page.get_by_label("Send to")).to_have_value("{{ phone | wa }}")
    template_name.fill("lead_welcome")
    page.get_by_label("Body parameters").fill("name, campaign_name")
    screenshot(page, "whatsapp-preset", full_page=True)
    page.get_by_role("button", name="Fill the webhook editor").click()

    expect(page.locator("#preview-url")).to_have_text("https://graph.facebook.com/v21.0/106540352242922/messages")
    expect(page.locator("#preview-body")).to_contain_text("6281399998888")
    body = json.loads(page.locator("#preview-body").inner_text())
    assert body["to"] == "6281399998888" and body["type"] == "template"
    assert body["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Sari"}, {"type": "text", "text": "ramadan"}]
    screenshot(page, "whatsapp-preset-preview", full_page=True)
