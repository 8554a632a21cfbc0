"""Webhook screens a marketer cannot break by accident, walked in a real Chromium (issue 14)."""

import re

import pytest
from playwright.sync_api import expect

from app.core.extensions import db
from app.models import ApiKey, AuditEvent, Field, Webhook
from tests.browser_support import publish_to_docs, screenshot
from tests.conftest import drain, make_form, make_webhook
from tests.test_webhooks_browser import workspace_of

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "campaign", "label": "Campaign", "type": "hidden", "default": "spring"},
]
pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


@pytest.fixture
def page(owner_page):
    """A logged-in owner's page; forms post with their real CSRF token."""
    return owner_page


def field_id(app, form_id, key):
    with app.app_context():
        return db.session.scalars(db.select(Field.id).where(Field.form_id == form_id, Field.key == key)).one()


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
    publish_to_docs(screenshot(page, "rename-dialog"), "rename-dialog.png")

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
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator(f"#field-{field_id(app, form_id, 'campaign')}").get_by_role("button", name="Delete").click()
    expect(page.locator(".flash-warning")).to_be_visible()
    assert "These webhooks use {{ campaign }} and would send it empty" in asked[0]  # said before, too
    expect(page.locator(".flash-warning")).to_contain_text("still use {{ campaign }}")
    expect(page.locator(".flash-warning")).to_contain_text("127.0.0.1 (URL, body)")  # the webhook's name


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


def test_the_list_url_box_adds_a_webhook_and_says_so(app, page, live_server, receiver):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    make_webhook(app, form_id, f"{receiver.url}/old", enabled=False)
    page.goto(f"{live_server}/forms/{form_id}/settings/webhook")
    expect(page.locator(".crumbs")).to_contain_text("Forms")  # the same header as the other tabs
    expect(page.locator("h1 .badge")).to_have_text("live")
    expect(page.locator("#hosted-link")).to_be_visible()
    expect(page.get_by_role("heading", name="Add a webhook")).to_be_visible()

    page.get_by_label("New webhook URL").fill(f"{receiver.url}/old")  # "fixing" the disabled one here
    page.get_by_role("button", name="Add webhook", exact=True).click()
    expect(page.locator(".error")).to_contain_text("already sends to this URL")
    with app.app_context():
        assert len(db.session.scalars(db.select(Webhook)).all()) == 1  # no duplicate

    page.get_by_label("New webhook URL").fill(f"{receiver.url}/new")
    page.get_by_role("button", name="Add webhook", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Webhook added.")
    with app.app_context():
        assert sorted(w.url for w in db.session.scalars(db.select(Webhook))) == [
            f"{receiver.url}/new", f"{receiver.url}/old"]


TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ra"


def test_telegram_preset_finds_the_chat_id_through_a_bot_api_stand_in(app, page, live_server, receiver):
    from tests.receiver import Reply

    bot_api = receiver  # a local stand-in of api.telegram.org, allowed by WEBHOOK_ALLOWED_NETWORKS
    bot_api.default = Reply(200, {"Content-Type": "application/json"}, (
        '{"ok": true, "result": [{"update_id": 1, "message": {"chat": {"id": 555001, "type": "private",'
        ' "first_name": "Ana", "username": "ana_k"}, "text": "hi"}}, {"update_id": 2, "my_chat_member":'
        ' {"chat": {"id": -1009876, "type": "supergroup", "title": "Sales leads"}}}]}'))
    app.config["TELEGRAM_API_URL"] = bot_api.url
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    page.goto(f"{live_server}/forms/{form_id}/settings/webhook")
    page.locator("[data-preset=telegram]").click()
    expect(page.locator("#preset-steps")).to_contain_text("@BotFather")
    page.get_by_role("button", name="Find my chat id").click()
    expect(page.locator("#chat-choices .error")).to_contain_text("Paste the bot token first")
    page.get_by_label("Bot token").fill(TOKEN)
    page.get_by_role("button", name="Find my chat id").click()
    page.get_by_role("button", name="Sales leads (supergroup, -1009876)").click()
    expect(page.get_by_label("Chat id")).to_have_value("-1009876")
    asked = bot_api.wait_for(1)[0]
    assert asked.path == f"/bot{TOKEN}/getUpdates"
    screenshot(page, "telegram-find-chat-id")

    page.get_by_role("button", name="Fill the webhook editor").click()
    page.get_by_role("button", name="Create webhook").click()
    expect(page.locator(".flash-success")).to_contain_text("Webhook created.")
    # the token is masked in the editor, the list and the delete page; shown only on Reveal
    url_box = page.get_by_label("Webhook URL")
    expect(url_box).to_have_value("https://api.telegram.org/bot••••••/sendMessage")
    page.get_by_role("button", name="Reveal URL").click()
    expect(url_box).to_have_value(f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    page.goto(f"{live_server}/forms/{form_id}/settings/webhook")
    expect(page.locator(".webhook-table")).to_contain_text("bot••••••/sendMessage")
    assert TOKEN not in page.content()


def test_saving_the_masked_url_keeps_the_token(app, page, live_server):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    webhook_id = make_webhook(app, form_id, f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    page.goto(f"{live_server}/forms/{form_id}/webhooks/{webhook_id}")
    assert TOKEN not in page.content()
    page.get_by_label("Webhook URL").fill("https://api.telegram.org/bot••••••/sendMessage?src={{ campaign }}")
    page.get_by_role("button", name="Save webhook").click()
    expect(page.locator(".flash-success")).to_contain_text("Webhook saved.")
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).url == (
            f"https://api.telegram.org/bot{TOKEN}/sendMessage?src={{{{ campaign }}}}")


def test_crm_preset_offers_to_add_the_fields_it_uses(app, page, live_server):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    page.goto(f"{live_server}/forms/{form_id}/webhooks/new?preset=crm")
    missing = page.locator("#missing-fields")
    expect(missing).to_contain_text("This form has no field campaign_name, campaign_type, lead_status")
    page.get_by_label("Default for lead_status").fill("hot")
    page.get_by_role("button", name="Fill the webhook editor").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Added hidden fields campaign_name, campaign_type, lead_status")
    expect(page.locator("#preview-url")).to_have_text(
        "https://crm.example/webhook?campaign_name=website&campaign_type=organic&lead_status=hot")
    expect(page.locator("#preview-problems")).not_to_contain_text("unknown name")
    with app.app_context():
        added = db.session.scalars(db.select(Field).where(Field.form_id == form_id, Field.type == "hidden")).all()
        assert {f.key: f.default for f in added} == {
            "campaign": "spring", "campaign_name": "website", "campaign_type": "organic", "lead_status": "hot"}


def test_the_inspector_gets_a_copy_while_the_real_receiver_still_gets_the_delivery(app, page, live_server,
                                                                                   receiver):
    form_id, public_id = make_form(app, workspace_of(app), FIELDS)
    make_webhook(app, form_id, "https://other.example/first")  # the picker's first entry
    crm_id = make_webhook(app, form_id, f"{receiver.url}/crm?c={{{{ campaign }}}}",
                          headers={"Authorization": "Bearer s3cret-crm-key"})
    page.goto(f"{live_server}/inspector")
    page.get_by_label("Name").fill("Watch the CRM hook")
    page.get_by_role("button", name="Create capture URL").click()
    page.get_by_label("Webhook").select_option(crm_id)
    page.get_by_role("button", name="Send a copy here").click()
    expect(page.locator(".flash-success")).to_contain_text("Its real URL still receives every delivery")
    expect(page.get_by_label("Webhook")).to_have_value(crm_id)  # the picker kept its choice
    expect(page.locator(f"#copying-{crm_id}")).to_contain_text(f"{receiver.url}/crm")
    with app.app_context():
        assert db.session.get(Webhook, crm_id).url == f"{receiver.url}/crm?c={{{{ campaign }}}}"

    inspector = page.url
    page.goto(f"{live_server}/f/{public_id}")
    page.get_by_label("Name").fill("Ana")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_role("button", name="Submit").click()
    drain(app)
    real = receiver.wait_for(1)[0]
    assert real.path == "/crm" and real.query == {"c": ["spring"]}
    assert real.headers["authorization"] == "Bearer s3cret-crm-key"

    page.goto(inspector)
    copy = page.locator("[data-request-id]")
    expect(copy).to_have_count(1)
    expect(copy.first).to_contain_text("c=spring")
    expect(copy.first).to_contain_text(real.headers["webhook-id"])
    expect(copy.first.locator("pre.body")).to_contain_text("ana@example.com")
    assert "s3cret-crm-key" not in page.content()  # credentials are masked in the copy
    screenshot(page, "inspector-copy")

    page.get_by_role("button", name="Stop copying").click()
    expect(page.locator(f"#copying-{crm_id}")).to_have_count(0)


def test_api_key_page_has_a_copy_button_and_a_reload_creates_nothing(app, page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server}/settings/api-keys")
    page.get_by_label("Key name").fill("CRM sync")
    page.get_by_role("button", name="Create API key").click()
    key = page.locator("#api-key-plaintext")
    expect(key).to_have_value(re.compile(r"^fh_"))
    assert page.url.endswith("/settings/api-keys#new-api-key")  # redirected after the POST
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_role("button", name="Copied ✓")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key.input_value()

    page.reload()
    expect(page.locator("#api-key-plaintext")).to_have_count(0)  # shown once, then forgotten
    expect(page.locator("#api-keys tbody tr")).to_have_count(1)  # and the reload created nothing
    with app.app_context():
        assert len(db.session.scalars(db.select(ApiKey)).all()) == 1


def test_api_docs_are_styled_under_a_csp_without_inline_script(app, page, live_server):
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    response = page.goto(f"{live_server}/api/docs")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "nonce" not in policy
    card = page.locator(".api-operation").first
    assert card.evaluate("el => getComputedStyle(el).borderTopLeftRadius") != "0px"  # app.css applies
    assert page.locator(".api-method").first.evaluate("el => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    page.get_by_label("Find an operation").fill("retry")  # api_docs.js runs
    expect(page.locator(".api-operation:visible")).to_have_count(1)
    expect(page.locator(".api-operation:visible h2")).to_contain_text("/retry")
    assert refused == []
    screenshot(page, "api-docs")


def test_no_page_misses_its_favicon(app, client, page, live_server):
    form_id, public_id = make_form(app, workspace_of(app), FIELDS)
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    for path in ("/forms", f"/forms/{form_id}", f"/forms/{form_id}/settings/webhook", "/settings/api-keys",
                 "/inspector", "/api/docs", f"/f/{public_id}"):
        page.goto(f"{live_server}{path}")
        assert page.locator("link[rel=icon]").get_attribute("href") == "/static/favicon.svg"
    assert missing == []
    assert client.get("/favicon.ico").status_code == 200  # for clients that ask without reading the page


def test_the_body_preview_is_pretty_printed(app, page, live_server):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    page.goto(f"{live_server}/forms/{form_id}/webhooks/new")
    page.get_by_label("Webhook URL").fill("https://crm.example/hook")
    expect(page.locator("#preview-body")).to_contain_text('"type": "webhook.test"')
    assert page.locator("#preview-body").inner_text().startswith('{\n  "type": "webhook.test",\n')
    page.get_by_label("Format").select_option("xml")
    expect(page.locator("#preview-body")).to_contain_text("<submission")
    lines = page.locator("#preview-body").inner_text().splitlines()
    assert len(lines) > 3 and any(line.startswith("  <") for line in lines)
