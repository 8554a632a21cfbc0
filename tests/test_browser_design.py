"""In a real Chromium, CSRF on: the owner designs a form with its live preview, sets the workspace's
default theme and closes forms by a local date and by a count; the hosted pages follow.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from app.core.extensions import db
from app.models import Form, Workspace
from tests.browser_support import publish_to_docs, screenshot
from tests.conftest import make_form
from tests.test_browser_form_a11y import serious_violations

pytestmark = pytest.mark.browser

ZONE = "Asia/Jakarta"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ACCENT, ACCENT_RGB = "#e4572e", "rgb(228, 87, 46)"
FEEDBACK = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "stars", "label": "How was the workshop?", "type": "rating"},
    {"key": "nps", "label": "How likely are you to recommend us?", "type": "scale"},
    {"key": "next", "label": "Come to the next one?", "type": "radio", "options": ["Yes", "Maybe"]},
]
STEPS = [
    {"key": "about", "label": "About you", "type": "page_break"},
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "verdict", "label": "Your verdict", "type": "page_break"},
    {"key": "stars", "label": "How was the workshop?", "type": "rating"},
    {"key": "nps", "label": "How likely are you to recommend us?", "type": "scale"},
    {"key": "more", "label": "Anything else?", "type": "page_break"},
    {"key": "comments", "label": "Comments", "type": "textarea"},
]


@pytest.fixture
def owner(app, accounts, live_server, owner_page):
    """owner@example.com logged in, CSRF on, the workspace in Asia/Jakarta; returns the workspace id."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        workspace = db.session.scalars(db.select(Workspace)).one()
        workspace.timezone = ZONE
        db.session.commit()
        return workspace.id


@pytest.fixture
def page(owner, owner_page):
    """The owner's page, at the desktop size of the README's screenshot."""
    owner_page.set_viewport_size(DESKTOP)
    return owner_page


def css(page, selector, prop):
    return page.eval_on_selector(selector, f"(el) => getComputedStyle(el)[{prop!r}]")


def preview_accent(page):
    """The accent the Design tab's preview is drawn in (read inside the same-origin frame)."""
    return page.evaluate("""() => {
        const doc = document.getElementById('preview-frame').contentDocument;
        const button = doc && doc.querySelector('button.step-submit');
        return button ? getComputedStyle(button).backgroundColor : null;
    }""")


def wait_for_preview(page, expression):
    page.wait_for_function(f"""() => {{
        const doc = document.getElementById('preview-frame').contentDocument;
        const button = doc && doc.querySelector('button.step-submit');
        return !!button && ({expression});
    }}""")


def saved_theme(app, form_id):
    with app.app_context():
        return db.session.get(Form, form_id).theme


def test_design_tab_previews_every_change_before_saving_and_the_hosted_page_follows(
        app, page, live_server, owner):
    form_id, public_id = make_form(app, owner, FEEDBACK, name="Workshop feedback")
    page.goto(f"{live_server}/forms/{form_id}")
    page.get_by_role("link", name="Design", exact=True).click()
    expect(page.get_by_role("link", name="Design", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Design", exact=True)).to_be_visible()
    wait_for_preview(page, "getComputedStyle(button).backgroundColor === 'rgb(59, 79, 216)'")

    page.get_by_label("Description").fill("Thanks for coming! **Two minutes**, four questions.")
    page.get_by_label("This form's own theme").check()
    page.get_by_label("Accent colour").fill(ACCENT)
    wait_for_preview(page, f"getComputedStyle(button).backgroundColor === '{ACCENT_RGB}'")
    page.get_by_label("Dark").check()
    wait_for_preview(page, "doc.body.classList.contains('theme-dark')")
    page.get_by_label("Font").select_option("serif")
    wait_for_preview(page, "getComputedStyle(doc.body).fontFamily.startsWith('Charter')")
    page.get_by_label("Page background").fill("#0f1a2b")
    page.get_by_label("Corner radius").fill("20")
    wait_for_preview(page, "getComputedStyle(doc.querySelector('.form-card')).borderRadius === '20px'")
    assert "<strong>Two minutes</strong>" in page.frame(name="design-preview").content()
    # all of it is only a draft: the hosted page and the database still hold the old design
    assert saved_theme(app, form_id) is None

    page.get_by_role("button", name="Save design").click()
    expect(page.get_by_text("Design saved.")).to_be_visible()
    assert saved_theme(app, form_id) == {"accent": ACCENT, "background": "#0f1a2b", "font": "serif",
                                         "radius": 20, "mode": "dark"}
    expect(page.get_by_label("Accent colour")).to_have_value(ACCENT)
    assert serious_violations(page) == []  # the Design tab itself

    page.goto(f"{live_server}/f/{public_id}")
    assert css(page, "button.step-submit", "backgroundColor") == ACCENT_RGB
    assert css(page, "body", "fontFamily").startswith("Charter")
    assert css(page, "html", "backgroundColor") == "rgb(15, 26, 43)"
    assert css(page, ".form-card", "backgroundColor") == "rgb(26, 32, 45)"  # the dark card
    assert css(page, ".form-card", "borderTopLeftRadius") == "20px"
    expect(page.locator(".description strong")).to_have_text("Two minutes")
    # the rating and the scale take the theme: lit stars and the chosen number are the accent
    page.locator(".star").nth(3).click()
    page.locator(".scale-point", has_text="9").click()
    assert css(page, ".star >> nth=3", "color") == ACCENT_RGB
    assert css(page, ".star >> nth=4", "color") != ACCENT_RGB
    chosen = page.locator(".scale-point", has_text="9")
    assert chosen.evaluate("(el) => getComputedStyle(el).backgroundColor") == ACCENT_RGB
    assert chosen.evaluate("(el) => getComputedStyle(el).color") == "rgb(17, 17, 17)"  # readable on it
    page.get_by_label("Name").fill("Zoë")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_label("Maybe").check()
    page.mouse.move(0, 0)
    assert serious_violations(page) == []  # dark mode keeps its contrast
    publish_to_docs(screenshot(page, "themed-form"), "themed-form.png")  # README: a themed form


def test_multi_page_parts_follow_the_theme_on_a_phone(app, page, live_server, owner):
    theme = {"accent": "#0a7d55", "background": "#14161c", "font": "rounded", "radius": 0, "mode": "dark"}
    _form_id, public_id = make_form(app, owner, STEPS, name="Workshop feedback", theme=theme,
                                    description="Three short pages.")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/f/{public_id}")
    expect(page.locator("#steps-status")).to_have_text("Step 1 of 3")
    page.get_by_label("Name").fill("Zoë")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#steps-status")).to_have_text("Step 2 of 3")
    page.locator(".star").nth(4).click()
    page.locator(".scale-point", has_text="10").click()

    back = page.get_by_role("button", name="Back")
    assert back.evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(17, 22, 33)"  # dark input
    assert back.evaluate("(el) => getComputedStyle(el).borderTopLeftRadius") == "0px"
    assert css(page, "button.step-next", "backgroundColor") == "rgb(10, 125, 85)"
    assert css(page, "button.step-next", "borderTopLeftRadius") == "0px"
    assert css(page, ".steps-bar", "borderTopLeftRadius") == "0px"
    assert css(page, ".star >> nth=4", "color") == "rgb(10, 125, 85)"
    assert page.locator(".scale-point", has_text="10").evaluate(
        "(el) => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    page.mouse.move(0, 0)
    assert serious_violations(page) == []
    publish_to_docs(screenshot(page, "themed-steps-phone"), "themed-steps-phone.png")  # README
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Comments").fill("More hands-on time, please.")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".thanks")).to_be_visible()


def test_workspace_default_theme_reaches_forms_without_their_own(app, page, live_server, owner):
    _form_id, public_id = make_form(app, owner, FEEDBACK[:2], name="Follows the workspace")
    page.goto(f"{live_server}/settings/workspace")
    section = page.locator("#default-theme")
    section.get_by_label("Accent colour").fill("#7b2ff7")
    section.get_by_label("Dark").check()
    section.get_by_role("button", name="Save default theme").click()
    expect(page.get_by_text("Default theme saved")).to_be_visible()
    page.goto(f"{live_server}/f/{public_id}")
    assert css(page, "button.step-submit", "backgroundColor") == "rgb(123, 47, 247)"
    assert "theme-dark" in page.locator("body").get_attribute("class")


def test_closing_by_a_local_date_and_by_a_count_answer_410_with_the_owners_message(
        app, page, live_server, owner):
    by_date, by_date_public = make_form(app, owner, FEEDBACK[:2], name="Early birds")
    by_count, by_count_public = make_form(app, owner, FEEDBACK[:2], name="Ten seats")

    # two minutes ago on a Jakarta clock: read as UTC it would still be hours away
    local = (datetime.now(ZoneInfo(ZONE)) - timedelta(minutes=2)).replace(second=0, microsecond=0)
    page.goto(f"{live_server}/forms/{by_date}/design")
    closing = page.locator("#closing")
    expect(closing.get_by_text(f"{ZONE} (WIB)")).to_be_visible()
    closing.get_by_label("Close at").fill(local.strftime("%Y-%m-%dT%H:%M"))
    closing.get_by_label("Closed message").fill("Early-bird registration has ended.")
    closing.get_by_role("button", name="Save closing rules").click()
    expect(page.get_by_text("Closing rules saved.")).to_be_visible()
    expect(page.locator("#closing-status")).to_have_text("Closed: the closing time has passed")
    with app.app_context():
        assert db.session.get(Form, by_date).closes_at == local.astimezone(UTC)

    page.goto(f"{live_server}/forms/{by_count}/design")
    page.locator("#closing").get_by_label("Close after this many submissions").fill("1")
    page.locator("#closing").get_by_label("Closed message").fill("All seats are taken, thank you!")
    page.get_by_role("button", name="Save closing rules").click()
    expect(page.get_by_text("Closing rules saved.")).to_be_visible()
    page.goto(f"{live_server}/f/{by_count_public}")
    page.get_by_label("Name").fill("First")
    page.get_by_label("Email").fill("first@example.com")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".thanks")).to_be_visible()

    for public_id, message in ((by_date_public, "Early-bird registration has ended."),
                               (by_count_public, "All seats are taken, thank you!")):
        response = page.goto(f"{live_server}/f/{public_id}")
        assert response.status == 410
        expect(page.locator(".closed-block .thanks")).to_have_text(message)
        post = page.request.post(f"{live_server}/f/{public_id}", data={"name": "Late", "email": "l@example.com"},
                                 headers={"Accept": "application/json"})
        assert post.status == 410
        assert post.json()["error"] == {"code": "form_closed", "message": message}


def test_without_javascript_update_preview_draws_the_draft_in_the_frame(app, browser, page, live_server, owner):
    form_id, _public_id = make_form(app, owner, FEEDBACK[:2], name="No script")
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP,
                                  storage_state=page.context.storage_state())
    try:
        plain = context.new_page()
        plain.goto(f"{live_server}/forms/{form_id}/design")
        plain.get_by_label("This form's own theme").check()
        plain.get_by_label("Accent colour").fill(ACCENT)
        plain.get_by_role("button", name="Update preview").click()
        frame = plain.frame(name="design-preview")
        frame.wait_for_function(
            f"() => getComputedStyle(document.querySelector('button.step-submit')).backgroundColor === '{ACCENT_RGB}'")
        assert plain.url.endswith(f"/forms/{form_id}/design")  # the page itself stayed
        assert saved_theme(app, form_id) is None
    finally:
        context.close()
