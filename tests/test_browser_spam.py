"""In a real Chromium: a person fills an embedded form with the challenge on and it is delivered; a
scripted post without a solution, and one replaying the person's solution, land in Spam with their
reason and reach no webhook; "Not spam" in the dashboard delivers the held one."""

import json
import time
import urllib.request

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Submission
from tests.browser_support import screenshot, static_site
from tests.conftest import drain, make_form, make_webhook
from tests.figures import report

# the shipped proof-of-work defaults, so the solve time below is what visitors wait
pytestmark = [pytest.mark.browser, pytest.mark.app_config(
    SPAM_PROTECTION=True, RATELIMIT_ENABLED=False, ALTCHA_COST=1000, ALTCHA_MAX_COUNTER=2000,
    WTF_CSRF_ENABLED=True,  # the dashboard's buttons carry their token; the public post needs none
)]
FIELDS = [
    {"key": "name", "label": "Full name", "type": "text", "required": True},
    {"key": "email", "label": "Work email", "type": "email", "required": True},
]
# a person types: about 120 ms a key
KEY_DELAY_MS = 120
# ms since the frame's navigation when its challenge was solved (the challenge's fetch starts the work)
SOLVED_AT = """() => new Promise(resolve => {
  const widget = document.querySelector("altcha-widget");
  const fetched = () => performance.getEntriesByType("resource").find(entry => entry.name.endsWith("/challenge"));
  const done = () => resolve({solved: performance.now(), fetched: fetched() ? fetched().responseEnd : null});
  if (widget.getState && widget.getState() === "verified") { resolve({solved: null, fetched: null}); return; }
  widget.addEventListener("verified", done);
})"""
WATCH = "() => { window.__solved = (" + SOLVED_AT + ")(); }"


def script_post(url, fields):
    """A bot's post: form-encoded answers, no browser, no JavaScript."""
    body = "&".join(f"{key}={urllib.request.quote(value)}" for key, value in fields.items()).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def held(app):
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.created_at)).all()
        return [(row.answers["name"], row.status, [r["code"] for r in row.spam_reasons or []]) for row in rows]


def _held_id(app, name):
    with app.app_context():
        rows = db.session.scalars(select(Submission).where(Submission.status == "spam")).all()
        return next(row.id for row in rows if row.answers["name"] == name)


def test_a_person_passes_the_challenge_scripts_land_in_spam_and_not_spam_delivers(
    app, live_server, browser, owner_page, accounts, receiver,
):
    with app.app_context():
        workspace_id = db.session.execute(db.text("select workspace_id from memberships")).scalar_one()
    form_id, public_id = make_form(app, workspace_id, FIELDS, name="Book a demo")
    make_webhook(app, form_id, receiver.url + "/crm")
    partner = f"<!doctype html><html><body><h1>Partner</h1><script src='{live_server}/f/{public_id}/embed.js'></script>"
    with static_site({"/demo.html": partner}) as site:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{site.url}/demo.html")
            frame = page.frame_locator("iframe")
            frame.get_by_label("Full name").wait_for()
            frame.locator("body").evaluate(WATCH)
            frame.get_by_label("Full name").press_sequentially("Ana Lima", delay=KEY_DELAY_MS)
            frame.get_by_label("Work email").press_sequentially("ana@example.com", delay=KEY_DELAY_MS)
            solved = frame.locator("body").evaluate("() => window.__solved")
            payload = frame.locator("input[name=_altcha]").input_value()
            screenshot(page, "spam-challenge-solved")
            frame.get_by_role("button", name="Submit").click()
            frame.get_by_text("Thank you").wait_for()
        finally:
            context.close()
    if solved["solved"] is not None and solved["fetched"] is not None:
        report(f"proof-of-work in Chromium (PBKDF2, cost 1000, counter up to 2000): solved "
               f"{solved['solved'] - solved['fetched']:.0f} ms after its challenge arrived, while the visitor typed")
    assert payload and held(app) == [("Ana Lima", "accepted", [])]
    drain(app)
    assert [request.path for request in receiver.wait_for(1)] == ["/crm"]

    form_url = f"{live_server}/f/{public_id}"
    assert script_post(form_url, {"name": "Bot One", "email": "bot1@example.com"}) == 200
    assert script_post(form_url, {"name": "Bot Two", "email": "bot2@example.com", "_altcha": payload}) == 200
    assert held(app)[1:] == [
        ("Bot One", "spam", ["challenge_missing"]), ("Bot Two", "spam", ["challenge_replayed"]),
    ]
    drain(app)
    time.sleep(0.5)  # nothing may arrive for the held ones: give a stray request time to show
    assert len(receiver.requests) == 1

    forged = owner_page.request.post(f"{live_server}/forms/{form_id}/spam/{_held_id(app, 'Bot One')}/release")
    assert forged.status == 400, "a release without the page's CSRF token is refused"
    owner_page.goto(f"{live_server}/forms/{form_id}/spam")
    rows = owner_page.locator("table.spam-table tbody tr")
    assert rows.count() == 2
    owner_page.get_by_text("The proof-of-work solution was already used by another submission.").wait_for()
    owner_page.get_by_text("No proof-of-work solution was sent").wait_for()
    screenshot(owner_page, "spam-view")
    rows.filter(has_text="Bot One").get_by_role("button", name="Not spam").click()
    owner_page.get_by_text("Marked as not spam").wait_for()
    assert owner_page.locator("table.spam-table tbody tr").count() == 1
    drain(app)
    arrived = receiver.wait_for(2)
    assert json.loads(arrived[1].body)["data"]["submission"]["answers"]["name"] == "Bot One"
    assert [name for name, status, _ in held(app) if status == "accepted"] == ["Ana Lima", "Bot One"]


def test_the_plain_html_snippet_carries_the_challenge_and_a_person_passes_it(app, live_server, browser, accounts):
    from app.models import Form
    from app.public.snippets import html_form_snippet

    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS, name="Newsletter")
    with app.test_request_context(base_url=live_server):
        snippet = html_form_snippet(db.session.scalars(db.select(Form).where(Form.public_id == public_id)).one())
    assert f"{live_server}/static/vendor/altcha/altcha.min.js" in snippet and "<altcha-widget" in snippet
    partner = f"<!doctype html><html lang='en'><body><h1>Our newsletter</h1>{snippet}</body></html>"
    with static_site({"/news.html": partner}) as site:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{site.url}/news.html")
            page.evaluate(WATCH)
            page.get_by_label("Full name").press_sequentially("Budi Santoso", delay=KEY_DELAY_MS)
            page.get_by_label("Work email").press_sequentially("budi@example.com", delay=KEY_DELAY_MS)
            page.evaluate("() => window.__solved")
            screenshot(page, "spam-snippet-solved")
            page.get_by_role("button", name="Submit").click()
            page.get_by_text("Thank you").wait_for()
        finally:
            context.close()
    assert held(app) == [("Budi Santoso", "accepted", [])]


def test_send_pressed_before_the_solution_is_ready_waits_for_it(app, live_server, page, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS, name="Quick", spam_settings={"min_seconds": 0})

    def slow_challenge(route):
        time.sleep(1.5)  # a slow network: the visitor is quicker than the challenge
        route.continue_()

    page.route("**/challenge", slow_challenge)
    page.goto(f"{live_server}/f/{public_id}")
    page.get_by_label("Full name").fill("Citra")
    page.get_by_label("Work email").fill("citra@example.com")
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("status").filter(has_text="not a robot").wait_for()
    page.get_by_text("Thank you").wait_for()
    assert held(app) == [("Citra", "accepted", [])]
