"""In a real Chromium: the hosted form on a phone — touch targets, autofill hints, the error summary — and axe-core."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser_support import screenshot
from tests.conftest import make_form
from tests.test_form_logic import THREE_PAGES

pytestmark = pytest.mark.browser

FIELDS = [
    {"key": "name", "label": "Full name", "type": "text", "required": True},
    {"key": "email", "label": "Work email", "type": "email", "required": True},
    {"key": "phone", "label": "Phone", "type": "phone"},
    {"key": "website", "label": "Website", "type": "url"},
    {"key": "plan", "label": "Plan", "type": "radio", "options": ["Free", "Pro"], "required": True},
    {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["News", "Offers"]},
]


def serious_violations(page):
    """axe-core's serious and critical violations on the page, as 'rule: node' lines."""
    results = Axe().run(page)
    return [f"{v['id']}: {node['target']}" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical") for node in v["nodes"]]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_hosted_form_on_a_phone_fills_focuses_errors_and_passes_axe(app, live_server, browser, accounts, javascript):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS, name="Book a demo")
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/f/{public_id}")
        autofill = {key: page.locator(f"#{key}").get_attribute("autocomplete")
                    for key in ("name", "email", "phone", "website")}
        assert autofill == {"name": "name", "email": "email", "phone": "tel", "website": "url"}
        for target in page.locator("label.choice").all() + [page.get_by_role("button", name="Submit")]:
            assert target.bounding_box()["height"] >= 44
        if javascript:
            assert serious_violations(page) == []

        page.get_by_label("Work email").fill("not an email")
        page.get_by_role("button", name="Submit").click()
        summary = page.locator("#error-summary")
        summary.wait_for()
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
        links = summary.get_by_role("link")
        assert links.all_inner_texts()[:3] == [
            "Full name: this field is required", "Work email: enter a valid email address",
            "Plan: this field is required",
        ]
        email = page.get_by_label("Work email")
        assert email.get_attribute("aria-invalid") == "true"
        described = email.get_attribute("aria-describedby")
        assert page.locator(f"#{described}").inner_text() == "enter a valid email address"
        assert page.get_by_label("Free").get_attribute("aria-invalid") == "true"
        screenshot(page, f"form-errors-phone-{'js' if javascript else 'nojs'}", full_page=True)
        if javascript:
            links.nth(2).click()
            assert page.evaluate("document.activeElement.id") == "plan-0"
            assert serious_violations(page) == []
    finally:
        context.close()


def test_builder_passes_axe(app, live_server, owner_page, accounts):
    page = owner_page
    page.get_by_role("link", name="New form").click()
    page.get_by_label("Form name").fill("Demo request")
    page.get_by_role("button", name="Create form").click()
    page.get_by_label("Label", exact=True).fill("Full name")
    page.get_by_role("button", name="Add field").click()
    page.get_by_text("Field “Full name” added").wait_for()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Edit “Full name”").click()  # the inline editor, in the list
    page.locator("#edit-field").wait_for()
    assert serious_violations(page) == []


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}],
                         ids=["phone", "laptop"])
def test_every_step_of_a_multi_page_form_passes_axe(app, live_server, browser, accounts, viewport):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, THREE_PAGES, name="Webinar signup")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/f/{public_id}")
        checked = {"step 1": serious_violations(page)}
        page.get_by_role("button", name="Next").click()  # its required answer left empty
        page.locator("#name-error").wait_for()
        checked["step 1 with an error"] = serious_violations(page)
        page.get_by_label("Name").fill("Zoë")
        page.get_by_label("Event").check()
        page.get_by_role("button", name="Next").click()
        page.get_by_role("heading", name="Venue").wait_for()
        checked["step 2"] = serious_violations(page)
        assert checked == {"step 1": [], "step 1 with an error": [], "step 2": []}
    finally:
        context.close()


def test_the_template_gallery_and_a_form_made_from_it_pass_axe(app, live_server, owner_page):
    owner_page.get_by_role("link", name="New form").click()
    owner_page.get_by_role("heading", name="Start from a template").wait_for()
    assert serious_violations(owner_page) == []
    owner_page.get_by_role("button", name="Use this template: Lead capture").click()
    owner_page.get_by_role("heading", name="Suggested webhook: CRM (campaign query)").wait_for()
    assert serious_violations(owner_page) == []
