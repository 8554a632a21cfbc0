"""The webhook editor's "Test on your machine" in a real Chromium: the command to copy, and a client connecting."""

import shlex

import pytest
from playwright.sync_api import expect

from app.core.extensions import db
from app.delivery import listen_sessions
from app.models import ApiKey, Workspace
from tests.browser_support import screenshot
from tests.conftest import make_form, make_webhook

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_the_editor_shows_the_command_and_sees_a_client_connect(app, accounts, owner_page, live_server):
    page = owner_page
    with app.app_context():
        workspace_id = db.session.scalars(db.select(Workspace.id)).one()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "https://crm.example/leads/in?campaign_name={{ campaign_name }}")
    page.goto(f"{live_server}/forms/{form_id}/webhooks/{webhook_id}")

    panel = page.locator("#listen")
    expect(panel.get_by_role("heading", name="Test on your machine")).to_be_visible()
    command = panel.locator("#snippet-listen-command").input_value()
    assert shlex.split(command) == [
        "python3", "listen.py", "--url", live_server, "--key", "YOUR_API_KEY", "--webhook", webhook_id,
        "--forward-to", "http://localhost:3000/leads/in",
    ]
    assert panel.locator("#snippet-listen-download").input_value() == f"curl -O {live_server}/static/listen.py"
    expect(page.locator("#listen-status")).to_contain_text("No client connected")
    downloaded = page.request.get(f"{live_server}/static/listen.py")
    assert downloaded.ok and "def main(" in downloaded.text()

    accounts.api_key(workspace_id)
    with app.app_context():
        key_id = db.session.scalars(db.select(ApiKey.id)).one()
    sid = listen_sessions.open_session(app.redis, webhook_id, workspace_id, key_id, "instead")
    listen_sessions.touch(app.redis, sid, webhook_id, key_id)  # as a client's poll does
    expect(page.locator("#listen-status")).to_contain_text("Client connected", timeout=10_000)
    expect(page.locator("#listen-status")).to_contain_text("instead of the URL")
    panel.scroll_into_view_if_needed()
    screenshot(page, "listen-panel", full_page=True)

    listen_sessions.end_session(app.redis, sid)
    expect(page.locator("#listen-status")).to_contain_text("No client connected", timeout=10_000)


def test_the_panel_speaks_the_dashboards_language(app, owner_page, live_server):
    page = owner_page
    with app.app_context():
        workspace_id = db.session.scalars(db.select(Workspace.id)).one()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "https://crm.example/hook")
    page.context.set_extra_http_headers({"Accept-Language": "id"})
    page.goto(f"{live_server}/forms/{form_id}/webhooks/{webhook_id}")
    expect(page.locator("#listen h2")).to_have_text("Uji di komputer Anda")
    expect(page.locator("#listen-status")).to_contain_text("Belum ada klien yang tersambung")
    expect(page.locator("#listen")).to_contain_text("Unduh klien")
