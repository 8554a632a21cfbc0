"""Webhook screens a marketer cannot break by accident, walked in a real Chromium (issue 14)."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import AuditEvent, Field, Webhook, Workspace
from tests.conftest import TEST_PASSWORD, drain, make_form, make_webhook

DOCS = Path(__file__).resolve().parent.parent / "docs"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "campaign", "label": "Campaign", "type": "hidden", "default": "spring"},
]
pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


@pytest.fixture
def page(browser, live_server, app, accounts):
    """A logged-in owner's page."""
    accounts.user()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/forms")
    yield page
    context.close()


def workspace_of(app):
    with app.app_context():
        return db.session.scalars(db.select(Workspace.id)).one()


def field_id(app, form_id, key):
    with app.app_context():
        return db.session.scalars(db.select(Field.id).where(Field.form_id == form_id, Field.key == key)).one()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def test_renaming_a_key_used_by_a_url_template_updates_the_webhook(app, page, live_server, receiver):
    form_id, public_id = make_form(app, workspace_of(app), FIELDS)
    webhook_id = make_webhook(app, form_id, f"{receiver.url}/crm?campaign_name={{{{ campaign }}}}",
                              conditions={"match": "all", "rules": [{"field": "campaign", "op": "not_empty"}]})
    page.goto(f"{live_server}/forms/{form_id}/fields/{field_id(app, form_id, 'campaign')}")
    page.get_by_label("Key").fill("campaign_choice")
    page.get_by_role("button", name="Save field").click()

    dialog = page.locator("#rename-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Rename campaign to campaign_choice?")
    expect(dialog).to_contain_text("127.0.0.1")
    expect(dialog).to_contain_text("URL, conditions")
    with app.app_context():  # nothing is saved while the dialog asks
        assert db.session.get(Webhook, webhook_id).url.endswith("{{ campaign }}")
    DOCS.mkdir(exist_ok=True)
    shutil.copy(shot(page, "rename-dialog.png"), DOCS / "rename-dialog.png")

    page.get_by_role("button", name="Rename and update 1 webhook").click()
    expect(page.locator(".flash-success").last).to_contain_text("{{ campaign }} is now {{ campaign_choice }}")
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert webhook.url == f"{receiver.url}/crm?campaign_name={{{{ campaign_choice }}}}"
        assert webhook.conditions["rules"][0]["field"] == "campaign_choice"
        assert db.session.scalars(db.select(AuditEvent.changes).where(AuditEvent.webhook_id == webhook_id)).one()

    page.goto(f"{live_server}/f/{public_id}")
    page.get_by_label("Name").fill("Ana")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Thank you", exact=False)).to_be_visible()
    drain(app)
    assert receiver.wait_for(1)[0].query == {"campaign_name": ["spring"]}


def test_keeping_the_old_key_saves_nothing(app, page, live_server, receiver):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    make_webhook(app, form_id, f"{receiver.url}/crm?c={{{{ campaign }}}}")
    page.goto(f"{live_server}/forms/{form_id}/fields/{field_id(app, form_id, 'campaign')}")
    page.get_by_label("Key").fill("campaign_choice")
    page.get_by_role("button", name="Save field").click()
    page.get_by_role("link", name="Keep campaign").click()
    expect(page.get_by_label("Key")).to_have_value("campaign")
    with app.app_context():
        assert field_id(app, form_id, "campaign")


def test_deleting_a_used_field_says_which_webhooks_use_it(app, page, live_server, receiver):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    make_webhook(app, form_id, f"{receiver.url}/crm?c={{{{ campaign }}}}", body_template='{"c": "{{ campaign }}"}')
    page.goto(f"{live_server}/forms/{form_id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#field-{field_id(app, form_id, 'campaign')}").get_by_role("button", name="Delete").click()
    expect(page.locator(".flash-warning")).to_contain_text("still use {{ campaign }}")
    expect(page.locator(".flash-warning")).to_contain_text(f"{receiver.url.removeprefix('http://')} (URL, body)")


def test_editor_warning_and_preview_agree_and_suggest_the_near_match(app, client, page, live_server, receiver):
    form_id, public_id = make_form(app, workspace_of(app), FIELDS)
    assert client.post(f"/f/{public_id}", json={"name": "Ana", "email": "ana@example.com"}).status_code == 201
    with app.app_context():  # the key is renamed after that submission arrived
        db.session.get(Field, field_id(app, form_id, "campaign")).key = "campaign_choice"
        db.session.commit()
    page.goto(f"{live_server}/forms/{form_id}/webhooks/new")
    page.get_by_label("Webhook URL").fill(f"{receiver.url}/crm?c={{{{ campaign }}}}")
    expect(page.locator("#preview-problems")).to_contain_text(
        "unknown name 'campaign' renders as empty (did you mean campaign_choice?)")
    expect(page.locator("#preview-url")).to_have_text(f"{receiver.url}/crm?c=")
