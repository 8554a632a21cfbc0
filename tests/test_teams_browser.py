"""Teams in a real Chromium: invite by link, join from another browser, switch workspace in the nav."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD, make_form
from tests.test_webhooks_browser import live_url, screenshot  # noqa: F401  (shared fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def logged_in(browser, live_url, email):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_url}/forms")
    return context, page


def test_invite_join_and_switch_workspace(app, accounts, browser, live_url):  # noqa: F811
    app.config["BASE_URL"] = live_url  # invitation links are built from it, as in production
    _, acme = accounts.user("owner@example.com", "Acme")
    _, own = accounts.user("bo@example.com", "Bo's shop")
    make_form(app, acme, name="Acme leads")
    make_form(app, own, name="Bo's orders")

    owner_context, owner = logged_in(browser, live_url, "owner@example.com")
    owner.get_by_role("link", name="Team").click()
    owner.get_by_label("Email").fill("bo@example.com")
    owner.get_by_label("Role").select_option("admin")
    owner.get_by_role("button", name="Create invitation link").click()
    flash = owner.locator(".flash-success")
    expect(flash).to_contain_text("send them this link")
    link = re.search(r"http://\S+/invite/\S+", flash.inner_text()).group(0)
    expect(owner.locator("#pending-invitations")).to_contain_text("bo@example.com")
    screenshot(owner, "team.png")
    owner_context.close()

    bo_context, bo = logged_in(browser, live_url, "bo@example.com")
    bo.goto(link)
    bo.get_by_role("button", name="Join Acme").click()
    expect(bo.locator(".flash-success")).to_contain_text("Welcome to Acme!")
    expect(bo.get_by_text("Acme leads")).to_be_visible()

    bo.locator("#workspace-switcher summary").click()
    bo.locator("#workspace-switcher").get_by_role("button", name=re.compile("Bo's shop")).click()
    expect(bo.locator(".flash-info")).to_contain_text("Switched to Bo's shop.")
    expect(bo.get_by_text("Bo's orders")).to_be_visible()
    expect(bo.get_by_text("Acme leads")).to_have_count(0)
    bo_context.close()
