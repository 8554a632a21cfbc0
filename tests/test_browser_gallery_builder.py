"""In a real Chromium: a form from the template gallery, then the builder changing it without a reload."""


import pytest

from app.core.extensions import db
from app.models import Form
from app.services.form_templates import UTM_KEYS
from tests.browser_support import publish_to_docs, screenshot
from tests.conftest import make_form
from tests.test_browser_builder import log_in

pytestmark = pytest.mark.browser

WEBINAR_LABELS = ["Full name", "Email", "Company", "Job title", "Your question for the speaker",
                  "Send me the recording afterwards", "Campaign name", *UTM_KEYS]
FIELDS = [
    {"key": "name", "label": "Full name", "type": "text", "required": True},
    {"key": "email", "label": "Work email", "type": "email", "required": True},
    {"key": "plan", "label": "Plan", "type": "select", "options": ["Free", "Pro"]},
]


def field_labels(page):
    return page.locator("#field-list .field-label").all_inner_texts()


def preview_has(page, label):
    """Wait until the live preview (reloaded after each change) shows a field labelled label first-hand."""
    page.wait_for_function(
        """label => [...(document.querySelector('#preview-frame').contentDocument
              ?.querySelectorAll('form.hosted-form .field > label, form.hosted-form .field legend') || [])]
              .some(node => node.textContent.trim().replace(/ \\*$/, '') === label)""", arg=label)


def preview_lacks(page, label):
    page.wait_for_function(
        """label => { const doc = document.querySelector('#preview-frame').contentDocument;
              return doc && doc.querySelector('form.hosted-form') &&
                ![...doc.querySelectorAll('form.hosted-form label, form.hosted-form legend')]
                  .some(node => node.textContent.trim().replace(/ \\*$/, '') === label); }""", arg=label)


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_pick_the_webinar_template_then_add_its_suggested_preset(app, live_server, owner_page):
    app.config["WTF_CSRF_ENABLED"] = True
    page = owner_page
    page.get_by_role("link", name="New form").click()
    gallery = page.get_by_role("region", name="Start from a template")
    assert gallery.get_by_role("heading", level=3).all_inner_texts() == [
        "Lead capture", "Event registration", "Webinar signup", "Contact us", "NPS feedback", "Job application"]
    assert page.get_by_label("Form name").is_visible()  # the blank form stands beside the gallery
    publish_to_docs(screenshot(page, "template-gallery", full_page=True), "template-gallery.png")

    page.get_by_role("button", name="Use this template: Webinar signup").click()
    page.get_by_text("Form “Webinar signup” created from the template").wait_for()
    assert field_labels(page) == WEBINAR_LABELS
    preview_has(page, "Your question for the speaker")
    with app.app_context():
        form = db.session.scalars(db.select(Form)).one()
        hidden = {field.key: field.default for field in form.fields if field.type == "hidden"}
        assert hidden == {"campaign_name": "webinar", **{key: None for key in UTM_KEYS}}
        assert form.submit_label == "Save my seat" and form.thank_you_message.startswith("Your seat is saved")
    preview = page.frame_locator("#preview-frame")
    assert preview.get_by_role("button", name="Save my seat").is_visible()

    suggestion = page.get_by_role("region", name="Suggested webhook: Slack")
    screenshot(page, "builder-from-template")
    suggestion.get_by_role("link", name="Add the Slack webhook").click()
    page.wait_for_url("**/webhooks/new?preset=slack")
    page.get_by_label("Incoming webhook URL").wait_for()


def test_add_edit_move_and_delete_fields_without_leaving_the_page(app, live_server, page, accounts):
    app.config["WTF_CSRF_ENABLED"] = True
    workspace_id = log_in(page, live_server, accounts)
    form_id, _ = make_form(app, workspace_id, FIELDS)
    page.goto(f"{live_server}/forms/{form_id}")
    preview_has(page, "Plan")
    page.evaluate("window.builderMarker = 'still here'")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    # add, from the keyboard: Enter in the label box sends the add form; focus comes back for the next one
    page.get_by_label("Label", exact=True).fill("Company")
    page.get_by_label("Label", exact=True).press("Enter")
    page.get_by_text("Field “Company” added as {{ company }}.").wait_for()
    assert field_labels(page) == ["Full name", "Work email", "Plan", "Company"]
    assert focused_id(page) == "label" and page.get_by_label("Label", exact=True).input_value() == ""
    preview_has(page, "Company")

    # edit inline: Enter on Edit opens the editor in the list, Enter in it saves
    page.get_by_role("link", name="Edit “Plan”").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'edit-label'")
    editor = page.locator("#edit-field")
    assert editor.get_by_label("Label", exact=True).input_value() == "Plan"
    screenshot(page, "builder-inline-editor")
    page.keyboard.press("End")
    page.keyboard.type(" chosen")
    editor.get_by_label("Type", exact=True).select_option("radio")
    editor.get_by_label("Label", exact=True).press("Enter")
    page.get_by_text("Field “Plan chosen” saved.").wait_for()
    assert field_labels(page) == ["Full name", "Work email", "Plan chosen", "Company"]
    plan_id = page.locator("#field-list li", has_text="Plan chosen").get_attribute("data-field-id")
    assert focused_id(page) == f"edit-link-{plan_id}"
    preview_has(page, "Plan chosen")
    assert page.frame_locator("#preview-frame").get_by_role("radio", name="Pro").count() == 1

    # move with the keyboard: focus stays on the pressed button, at the top too
    page.get_by_role("button", name="Move “Plan chosen” up").focus()
    for expected in (["Full name", "Plan chosen", "Work email", "Company"],
                     ["Plan chosen", "Full name", "Work email", "Company"]):
        page.keyboard.press("Enter")
        page.wait_for_function("n => document.querySelectorAll('#field-list .field-label')[n].textContent === "
                               "'Plan chosen'", arg=expected.index("Plan chosen"))
        assert field_labels(page) == expected
        assert focused_id(page) == f"move-up-{plan_id}"
    page.keyboard.press("Enter")  # already at the top: nothing moves, focus stays
    page.get_by_text("Field “Plan chosen” is already at the top.").wait_for()
    assert focused_id(page) == f"move-up-{plan_id}"
    assert page.locator(f"#move-up-{plan_id}").get_attribute("aria-disabled") == "true"
    preview_has(page, "Plan chosen")
    page.wait_for_function("() => document.querySelector('#preview-frame').contentDocument"
                           "?.querySelector('form.hosted-form .field legend')?.textContent.trim() === 'Plan chosen'")

    company_id = page.locator("#field-list li", has_text="Company").get_attribute("data-field-id")
    page.locator(f"#move-down-{company_id}").focus()
    page.keyboard.press("Enter")  # already at the bottom
    page.get_by_text("Field “Company” is already at the bottom.").wait_for()
    assert focused_id(page) == f"move-down-{company_id}"
    page.get_by_role("button", name="Move “Company” up").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Field “Company” moved up.").wait_for()
    assert field_labels(page) == ["Plan chosen", "Full name", "Company", "Work email"]
    assert focused_id(page) == f"move-up-{company_id}"

    # delete: confirm, then focus moves on to the next field's Edit
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete “Company”").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Field “Company” deleted.").wait_for()
    assert field_labels(page) == ["Plan chosen", "Full name", "Work email"]
    work_email_id = page.locator("#field-list li", has_text="Work email").get_attribute("data-field-id")
    assert focused_id(page) == f"edit-link-{work_email_id}"
    preview_lacks(page, "Company")
    screenshot(page, "builder-no-reload")

    assert page.evaluate("window.builderMarker") == "still here"
    assert navigations == []
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert [(field.key, field.label) for field in form.fields] == [
            ("plan", "Plan chosen"), ("name", "Full name"), ("email", "Work email")]
