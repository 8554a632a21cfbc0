"""In a real Chromium, on a phone and a laptop, with JavaScript and without: a three-page form whose
answer "Webinar" skips the venue page. The stored answers and the webhook body a real receiver gets
hold exactly the fields the visitor was shown; a crafted POST cannot store a hidden one.
"""

import json

import pytest
from playwright.sync_api import expect

from app.core.extensions import db
from app.models import Submission
from tests.browser_support import publish_to_docs, screenshot, static_site
from tests.conftest import drain
from tests.test_form_logic import THREE_PAGES

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
FIELDS = [*THREE_PAGES, {"key": "campaign_name", "label": "Campaign name", "type": "hidden", "default": "spring"}]


@pytest.fixture
def logic_form(api, receiver):
    form = api.create_form(name="Webinar signup", fields=FIELDS)
    hook = api.post(f"/forms/{form['id']}/webhooks", json={"url": f"{receiver.url}/hook"})
    assert hook.status_code == 201, hook.get_json()
    return form


def answers_sent(app, receiver, count):
    drain(app)
    bodies = [json.loads(request.body) for request in receiver.wait_for(count)]
    return [body["data"]["submission"]["answers"] for body in bodies]


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Submission.answers).order_by(Submission.created_at)).all()


def fill_webinar(page, url, javascript, shot=None):
    page.goto(url)
    status = page.locator("#steps-status")
    expect(status).to_have_text("Step 1 of 3")
    page.evaluate("window.sameDocument = true") if javascript else None
    if shot:
        page.get_by_label("Name").fill("Zoë")
        screenshot(page, f"{shot}-step-1")
    # the first page is checked before the next is shown
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#name-error")).to_have_text("this field is required")
    expect(page.get_by_role("heading", name="About you")).to_be_visible()

    page.get_by_label("Name").fill("Zoë")
    page.get_by_label("Webinar").check()
    page.get_by_role("button", name="Next").click()
    # "Webinar" skips the venue page: the last step follows
    expect(page.get_by_role("heading", name="Last step")).to_be_visible()
    expect(page.get_by_role("heading", name="Venue")).to_be_hidden()
    expect(status).to_have_text("Step 2 of 2")
    if javascript:
        assert page.evaluate("window.sameDocument") is True  # no reload between steps
    page.get_by_label("Topic").fill("Forms that convert")
    page.get_by_label("I agree to the terms").check()
    if shot:
        path = screenshot(page, f"{shot}-step-2")
        if shot == "form-logic-phone-js":
            publish_to_docs(path, "multi-page-phone.png")  # README: a multi-page form on a phone
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".thanks")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_logic_jump_skips_the_venue_page_and_only_shown_fields_are_kept(
        app, browser, live_server, receiver, logic_form, viewport, javascript):
    context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=javascript)
    page = context.new_page()
    url = f"{live_server}/f/{logic_form['public_id']}"
    shot = f"form-logic-{viewport}-{'js' if javascript else 'nojs'}"
    fill_webinar(page, url, javascript, shot=shot)

    # an event goes through the venue page, and Back returns to it with the answers kept
    page.goto(url)
    page.get_by_label("Name").fill("Budi")
    page.get_by_label("Event").check()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#steps-status")).to_have_text("Step 2 of 3")
    page.get_by_label("Venue address").fill("Jakarta")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Topic")).to_be_hidden()  # shown only for webinars
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Venue address")).to_have_value("Jakarta")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("I agree to the terms").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".thanks")).to_be_visible()
    context.close()

    webinar = {"name": "Zoë", "campaign": "Webinar", "topic": "Forms that convert", "agree": True,
               "campaign_name": "spring"}
    event = {"name": "Budi", "campaign": "Event", "venue": "Jakarta", "agree": True, "campaign_name": "spring"}
    assert stored(app) == [webinar, event]
    # the two deliveries are sent concurrently: they may arrive in either order
    assert sorted(answers_sent(app, receiver, 2), key=lambda answers: answers["name"]) == [event, webinar]


@pytest.mark.browser
def test_a_crafted_post_stores_and_sends_nothing_for_a_hidden_field(app, page, live_server, receiver, logic_form):
    # the venue is required on its page, hidden for a webinar: sent anyway, it neither blocks nor is kept
    response = page.request.post(f"{live_server}/f/{logic_form['public_id']}", headers={"Accept": "application/json"},
                                 data={"name": "Eve", "campaign": "Webinar", "topic": "x", "agree": True,
                                       "venue": "Smuggled"})
    assert response.status == 201, response.text()
    (answers,) = stored(app)
    assert "venue" not in answers and answers["topic"] == "x"
    assert answers_sent(app, receiver, 1) == [answers]


@pytest.mark.browser
def test_the_embed_follows_the_height_of_each_step(browser, live_server, logic_form):
    site = static_site({"/": f'<!doctype html><h1>Partner</h1>'
                             f'<script src="{live_server}/f/{logic_form["public_id"]}/embed.js"></script>'}).start()
    try:
        page = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
        page.goto(site.url)
        frame = page.frame_locator("iframe")
        iframe = page.locator("iframe")
        expect(frame.get_by_label("Name")).to_be_visible()

        def height():
            return iframe.evaluate("element => element.getBoundingClientRect().height")

        def content_height():
            return frame.locator("html").evaluate("element => Math.ceil(element.getBoundingClientRect().height)")

        page.wait_for_function("() => document.querySelector('iframe').getBoundingClientRect().height > 300")
        first = height()
        frame.get_by_label("Name").fill("Ann")
        frame.get_by_label("Event").check()
        frame.get_by_role("button", name="Next").click()
        expect(frame.get_by_label("Venue address")).to_be_visible()
        page.wait_for_function(f"() => document.querySelector('iframe').getBoundingClientRect().height != {first}")
        assert abs(height() - content_height()) <= 2
    finally:
        site.stop()
