"""The webhook editor in a real Chromium: live preview, variable picker, test event, secret."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.core.extensions import db
from app.models import Webhook
from tests.conftest import drain, make_form, make_webhook

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SEED_URL = (
    "https://crm.example/webhook?campaign_name={{ campaign_name }}"
    "&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}"
)
FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
    {"key": "campaign_type", "label": "Campaign type", "type": "hidden", "default": "email"},
    {"key": "lead_status", "label": "Lead status", "type": "hidden", "default": "new"},
]
pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


@pytest.fixture
def live_url(live_server):
    """The app served on 127.0.0.1 for the test's duration (tests/browser_support.py)."""
    return live_server


@pytest.fixture
def page(owner_page):
    """A logged-in owner's page; forms post with their real CSRF token."""
    return owner_page


def workspace_of(app):
    with app.app_context():
        from app.models import Workspace

        return db.session.scalars(db.select(Workspace.id)).one()


def screenshot(page, name):
    """Save a full-page screenshot under test-artifacts/ (viewed by people, not asserted)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_live_preview_shows_the_seed_url_expanded(app, client, page, live_url):
    form_id, public_id = make_form(app, workspace_of(app), FIELDS)
    submitted = client.post(f"/f/{public_id}?campaign_name=Zo%C3%AB%20%26%20Co&lead_status=hot",
                            json={"name": "Ana", "email": "ana@example.com"})
    assert submitted.status_code == 201
    page.goto(f"{live_url}/forms/{form_id}/webhooks/new")
    page.get_by_label("Webhook URL").fill(SEED_URL)
    expect(page.locator("#preview-url")).to_have_text(
        "https://crm.example/webhook?campaign_name=Zo%C3%AB%20%26%20Co&campaign_type=email&lead_status=hot"
    )
    expect(page.locator("#preview-source")).to_contain_text("latest submission")
    expect(page.locator("#preview-body")).to_contain_text('"email": "ana@example.com"')

    page.get_by_label("Body template (optional)").fill('{"lead": "{{ email }}"}')
    expect(page.locator("#preview-body")).to_have_text('{\n  "lead": "ana@example.com"\n}')  # pretty-printed
    page.get_by_role("button", name="Add header").click()
    page.get_by_label("Header name").last.fill("X-Campaign")
    page.get_by_label("Header value (template)").last.fill("{{ campaign_name }}")
    expect(page.locator("#preview-headers")).to_contain_text("X-Campaign: Zoë & Co")
    screenshot(page, "webhook-settings.png")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "webhook-settings-mobile.png")

    page.get_by_role("button", name="Create webhook").click()
    expect(page.locator(".flash-success")).to_contain_text("Webhook created.")
    with app.app_context():
        saved = db.session.scalars(db.select(Webhook)).one()
        assert (saved.url, saved.headers) == (SEED_URL, {"X-Campaign": "{{ campaign_name }}"})


def test_variable_picker_inserts_at_the_cursor(app, page, live_url):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    page.goto(f"{live_url}/forms/{form_id}/webhooks/new")
    url = page.get_by_label("Webhook URL")
    url.fill("https://crm.example/hook?src=&id=1")
    url.evaluate("input => input.setSelectionRange(29, 29)")  # just after 'src='
    page.locator("#variable-picker").get_by_role("button", name="meta.utm_source", exact=True).click()
    expect(url).to_have_value("https://crm.example/hook?src={{ meta.utm_source }}&id=1")
    expect(page.locator("#preview-url")).to_have_text("https://crm.example/hook?src=&id=1")

    page.get_by_label("Body template (optional)").click()
    expect(page.locator("#picker-target")).to_have_text("body template")
    page.locator("#variable-picker").get_by_role("button", name="campaign_name", exact=True).click()
    expect(page.get_by_label("Body template (optional)")).to_have_value("{{ campaign_name }}")


def test_send_test_event_shows_the_result_inline(app, page, live_url, receiver):
    form_id, _ = make_form(app, workspace_of(app), FIELDS)
    webhook_id = make_webhook(app, form_id, f"{receiver.url}/hook?c={{{{ campaign_name }}}}")
    page.goto(f"{live_url}/forms/{form_id}/webhooks/{webhook_id}")
    expect(page.locator("#preview-url")).to_have_text(f"{receiver.url}/hook?c=spring")  # rendered on load
    with page.expect_response(lambda response: response.url.endswith("/test")) as queued:
        page.get_by_role("button", name="Send test event").click()
    assert queued.value.status == 202
    drain(app)  # the real RQ worker sends it while the page polls
    expect(page.locator("#test-result")).to_have_text("Sent: Your server answered 200: delivered. See the delivery →")
    expect(page.locator("#recent-deliveries .status-succeeded")).to_have_text("succeeded")
    assert receiver.wait_for(1)[0].query == {"c": ["spring"]}

    secret = page.locator("#signing-secret")
    expect(secret).to_contain_text("••••")
    page.get_by_role("button", name="Reveal").click()
    with app.app_context():
        expected = db.session.get(Webhook, webhook_id).secret
    expect(secret).to_have_text(expected)
    screenshot(page, "webhook-edit.png")
    page.goto(f"{live_url}/forms/{form_id}/settings/webhook")
    expect(page.locator(".status-succeeded")).to_have_text("succeeded")
    screenshot(page, "webhook-list.png")


def test_live_preview_shows_an_over_cap_render_as_a_template_error(app, client, page, live_url):
    form_id, public_id = make_form(app, workspace_of(app), FIELDS)
    submitted = client.post(f"/f/{public_id}", json={"name": "x" * 10_000, "email": "ana@example.com"})
    assert submitted.status_code == 201
    page.goto(f"{live_url}/forms/{form_id}/webhooks/new")
    page.get_by_label("Webhook URL").fill("https://crm.example/hook")
    expect(page.locator("#preview-source")).to_contain_text("latest submission")
    page.get_by_label("Body template (optional)").fill("{{ name|list|join(name) }}")
    expect(page.locator("#preview-problems")).to_contain_text(
        "body template: renders more than 1,048,576 bytes")
    expect(page.locator("#preview-problems")).to_contain_text("TEMPLATE_MAX_OUTPUT")
    screenshot(page, "webhook-preview-over-cap.png")
