"""In a real Chromium: build a form, reorder it, preview it, embed it on another origin, export answers."""

import csv
import io
import json

import pytest

from app.core.extensions import db
from app.models import Form
from tests.browser_support import screenshot, static_site
from tests.conftest import TEST_PASSWORD, drain, make_form, make_webhook

pytestmark = pytest.mark.browser

EVERY_TYPE = [
    ("Full name", "text", ""), ("Work email", "email", ""), ("Team size", "number", ""),
    ("Message", "textarea", ""), ("Plan", "select", "Free\nPro"), ("Found us via", "radio", "Search\nFriend"),
    ("Topics", "checkbox", "News\nOffers"), ("Start date", "date", ""), ("Phone", "phone", ""),
    ("Website", "url", ""), ("Campaign", "hidden", ""),
]
EMBED_FIELDS = [
    {"key": "name", "label": "Full name", "type": "text", "required": True},
    {"key": "email", "label": "Work email", "type": "email", "required": True},
    {"key": "plan", "label": "Plan", "type": "select", "options": ["Free", "Pro"]},
    {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["News", "Offers"]},
    {"key": "message", "label": "Message", "type": "textarea"},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
]


def log_in(page, base_url, accounts):
    """Create the owner, log the page in; return the owner's workspace id."""
    _, workspace_id = accounts.user()
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/forms")
    return workspace_id


def field_labels(page):
    return page.locator("#field-list .field-label").all_inner_texts()


def preview_labels(page):
    preview = page.frame_locator("#preview-frame")
    preview.locator("form.hosted-form").wait_for()
    return preview.locator(".field > label[for], .field legend").all_inner_texts()


def test_build_every_field_type_reorder_by_drag_and_keyboard_and_preview(app, live_server, page, accounts):
    app.config["WTF_CSRF_ENABLED"] = True
    log_in(page, live_server, accounts)
    page.get_by_role("link", name="New form").click()
    page.get_by_label("Form name").fill("Demo request")
    page.get_by_role("button", name="Create form").click()
    page.get_by_text("Form “Demo request” created").wait_for()

    for label, kind, options in EVERY_TYPE:
        page.get_by_label("Label", exact=True).fill(label)
        page.get_by_label("Type", exact=True).select_option(kind)
        options_box = page.get_by_label("Options (one per line)")
        assert options_box.is_visible() == bool(options)
        if options:
            options_box.fill(options)
        if kind == "hidden":
            page.get_by_label("Default value").fill("spring")
        else:
            page.get_by_label("Required", exact=True).set_checked(kind in ("text", "email"))
        page.get_by_role("button", name="Add field").click()
        page.get_by_text(f"Field “{label}” added").wait_for()

    visible_labels = [label for label, kind, _ in EVERY_TYPE if kind != "hidden"]
    assert field_labels(page) == [label for label, _, _ in EVERY_TYPE]
    assert [text.rstrip(" *") for text in preview_labels(page)] == visible_labels
    with app.app_context():
        form = db.session.scalars(db.select(Form)).one()
        assert [f.key for f in form.fields][:3] == ["full_name", "work_email", "team_size"]
        assert form.fields[-1].type == "hidden" and form.fields[-1].default == "spring"

    # drag "Message" (4th) above "Full name" (1st)
    items = page.locator("#field-list > li")
    items.nth(3).drag_to(items.nth(0), target_position={"x": 40, "y": 5})
    page.get_by_text("Field order saved.").wait_for()
    expected = ["Message", "Full name", "Work email", "Team size"]
    assert field_labels(page)[:4] == expected
    # the preview reloads after the drop; while it loads its document may be blank
    page.wait_for_function(
        "() => document.querySelector('#preview-frame').contentDocument"
        "?.querySelector('form.hosted-form label')?.textContent.trim() === 'Message'"
    )
    page.reload()
    assert field_labels(page)[:4] == expected

    # keyboard: focus "Move down" on the first field and press Enter
    page.get_by_role("button", name="Move “Message” down").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Field “Message” moved down.").wait_for()
    assert field_labels(page)[:3] == ["Full name", "Message", "Work email"]
    # focus comes back to the same button, so Enter moves it again
    page.wait_for_function("() => document.activeElement.getAttribute('aria-label') === 'Move “Message” down'")
    page.keyboard.press("Enter")
    # the same message again: wait for the list itself
    page.wait_for_function("() => document.querySelectorAll('#field-list .field-label')[2].textContent === 'Message'")
    assert field_labels(page)[:3] == ["Full name", "Work email", "Message"]
    page.get_by_role("button", name="Move “Message” up").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Field “Message” moved up.").wait_for()
    assert preview_labels(page)[:2] == ["Full name *", "Message"]

    page.get_by_role("heading", name="Fields").scroll_into_view_if_needed()
    screenshot(page, "builder")
    screenshot(page, "builder-full", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "builder-mobile")


def test_script_embed_on_another_origin_resizes_and_sends_utm_to_the_webhook(
    app, live_server, page, accounts, receiver,
):
    workspace_id = log_in(page, live_server, accounts)
    form_id, _ = make_form(app, workspace_id, EMBED_FIELDS, name="Book a demo")
    make_webhook(app, form_id, f"{receiver.url}/crm")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(f"{live_server}/forms/{form_id}/share")
    page.get_by_role("button", name="Copy").nth(1).click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert snippet.startswith("<script src=") and "/embed.js" in snippet
    screenshot(page, "share")

    landing = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Acme</title></head>"
        "<body style='font-family:sans-serif;background:#fafafa;margin:0;padding:24px'>"
        "<h1>Acme — book a demo</h1><p>Tell us about your team.</p>"
        f"{snippet}<footer><p>© Acme</p></footer></body></html>"
    )
    with static_site({"/landing.html": landing}) as site:
        assert site.url != live_server
        landing_url = f"{site.url}/landing.html?utm_source=newsletter&utm_campaign=launch&campaign_name=autumn"
        page.goto(landing_url)
        frame_box = page.locator("iframe")
        frame_box.wait_for()
        page.wait_for_function("() => document.querySelector('iframe').getBoundingClientRect().height !== 480")
        form_height = frame_box.bounding_box()["height"]
        frame = page.frame_locator("iframe")
        frame.get_by_label("Full name").fill("Zoë Martin")
        frame.get_by_label("Work email").fill("zoe@acme.example")
        frame.get_by_label("Plan").select_option("Pro")
        frame.get_by_label("News").check()
        screenshot(page, "embed", full_page=True)

        frame.get_by_role("button", name="Submit").click()
        frame.get_by_text("Thank you!").wait_for()
        page.wait_for_function(
            f"() => document.querySelector('iframe').getBoundingClientRect().height < {form_height}"
        )
        assert frame_box.bounding_box()["height"] < form_height
        screenshot(page, "embed-thanks", full_page=True)

    drain(app)
    (request,) = receiver.wait_for(1)
    assert request.path == "/crm"
    submission = json.loads(request.body)["data"]["submission"]
    assert submission["answers"] == {
        "name": "Zoë Martin", "email": "zoe@acme.example", "plan": "Pro", "topics": ["News"], "message": "",
        "campaign_name": "autumn",
    }
    assert submission["meta"]["utm_source"] == "newsletter"
    assert submission["meta"]["utm_campaign"] == "launch"
    assert submission["meta"]["referrer"] == landing_url


def test_csv_export_downloads_and_opens_with_accents_intact(app, live_server, page, accounts, tmp_path):
    app.config["WTF_CSRF_ENABLED"] = True
    workspace_id = log_in(page, live_server, accounts)
    form_id, public_id = make_form(app, workspace_id, EMBED_FIELDS[:4], name="Leads")
    client = app.test_client()
    for name in ("Zoë Martin", "Renée O'Brien", "Bob"):
        client.post(f"/f/{public_id}", json={"name": name, "email": "x@example.com", "topics": ["News", "Offers"]})

    page.goto(f"{live_server}/forms/{form_id}/submissions")
    page.get_by_text("3 submissions").wait_for()
    page.get_by_label("Search answers").fill("zoë")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("1 submission matching “zoë”").wait_for()
    screenshot(page, "submissions")
    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # the export follows the search and is headed by the fields' labels
    assert [(row["Full name"], row["Topics"]) for row in rows] == [("Zoë Martin", "News; Offers")]
    with page.expect_download() as info:
        page.get_by_role("link", name="keys as headers").click()
    info.value.save_as(tmp_path / "keys.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "keys.csv").read_bytes().decode("utf-8-sig"))))
    assert [(row["name"], row["topics"]) for row in rows] == [("Zoë Martin", "News; Offers")]

    page.get_by_role("link", name="View").click()
    page.get_by_role("heading", name="Answers").wait_for()
    screenshot(page, "submission-detail")
    page.get_by_role("link", name="Delete submission…").click()
    page.get_by_role("button", name="Delete submission").click()
    page.get_by_text("Submission deleted.").wait_for()
    page.get_by_text("2 submissions").wait_for()
