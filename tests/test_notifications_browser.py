"""Notifications in a real Chromium, CSRF on: set them up, submit the hosted form, read the mail's state."""

import re

import pytest
from playwright.sync_api import expect

from app.core.extensions import db
from app.models import Workspace
from tests.browser_support import screenshot
from tests.conftest import drain, make_form

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_an_owner_sets_up_notifications_and_sees_the_mail_on_the_submission(app, owner_page, live_server, mailbox):
    page = owner_page
    with app.app_context():
        workspace_id = db.session.scalars(db.select(Workspace.id)).one()
    form_id, public_id = make_form(app, workspace_id, name="Spring leads")
    page.goto(f"{live_server}/forms/{form_id}")
    page.get_by_role("link", name="Notifications").click()
    page.get_by_label("owner@example.com").check()
    page.get_by_label("Other addresses (one per line)").fill("sales@example.com")
    page.get_by_label("Send a confirmation to the address in").select_option("email")
    page.get_by_label("Confirmation subject").fill("Thanks, {{ name }}")
    page.get_by_role("button", name="Save notifications").click()
    expect(page.locator(".flash-success")).to_contain_text("Notification settings saved.")
    expect(page.get_by_label("owner@example.com")).to_be_checked()
    screenshot(page, "notifications", full_page=True)

    page.goto(f"{live_server}/f/{public_id}")
    page.get_by_label("Name").fill("Ana")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Thank you")).to_be_visible()
    drain(app)
    assert len(mailbox.wait_for(2)) == 2

    page.goto(f"{live_server}/forms/{form_id}/submissions")
    page.get_by_role("link", name=re.compile("View")).first.click()
    mails = page.locator("#mails")
    expect(mails).to_contain_text("Notification to the owners")
    expect(mails).to_contain_text("Confirmation to the respondent")
    expect(mails.locator(".status-sent")).to_have_count(2)
    expect(mails).to_contain_text("Sent at")
    screenshot(page, "submission-mails", full_page=True)
