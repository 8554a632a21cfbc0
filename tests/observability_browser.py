"""A CSRF-enforcing live server and a clipboard-enabled page for the observability browser tests.

The Chromium itself is the session-wide `browser` of tests/browser_support.py.
"""


import pytest

from tests.browser_support import ServerThread
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def live_server(app):
    """Serve app on 127.0.0.1 with CSRF on, as in production; yield its base URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    with ServerThread(app) as server:
        yield server.url


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, email="owner@example.com"):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/forms")
