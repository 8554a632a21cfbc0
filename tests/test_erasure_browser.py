"""A data subject request in a real Chromium: enter the email, see the count, confirm, read what was removed."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.extensions import db
from app.models import Membership, Submission
from tests.browser_support import screenshot
from tests.conftest import make_form
from tests.erasure_support import EMAIL, LEAD_FIELDS

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def _answers(app, *emails):
    with app.app_context():
        workspace_id = db.session.scalars(select(Membership.workspace_id)).one()
        form_id, _ = make_form(app, workspace_id, LEAD_FIELDS, name="Leads")
        db.session.add_all(Submission(workspace_id=workspace_id, form_id=form_id, answers={"name": "X", "email": email},
                                      meta={}) for email in emails)
        db.session.commit()


def test_the_owner_deletes_a_persons_data_after_seeing_the_count(app, owner_page, live_server):
    _answers(app, EMAIL, EMAIL.upper(), "bob@example.com")
    page = owner_page
    page.goto(f"{live_server}/settings/workspace")
    page.get_by_role("link", name="Data: delete a person's data on request, download everything").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Find their submissions").click()
    expect(page.locator("#erase-count")).to_have_text("2 submissions in this workspace hold this address.")
    expect(page.get_by_role("heading", name=f"Delete the data of {EMAIL}?")).to_be_visible()
    screenshot(page, "erasure-preview")
    page.get_by_role("button", name="Delete their data").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Deleted everything held about a•••@e•••.com: 2 submissions, 0 files")
    expect(page.locator("#deletions tbody tr").first).to_contain_text("Data of a•••@e•••.com, on request")
    screenshot(page, "erasure-done", full_page=True)
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Pengaturan · Data")).to_be_visible()
    expect(page.locator("#deletions tbody tr").first).to_contain_text("Data a•••@e•••.com, atas permintaan")
    screenshot(page, "erasure-done-id", full_page=True)
    with app.app_context():
        assert [s.answers["email"] for s in db.session.scalars(select(Submission))] == ["bob@example.com"]
