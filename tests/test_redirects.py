"""No redirect leaves the site unless its owner chose it: ?next= after log-in, a form's redirect URL."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from app.core.extensions import db
from app.core.redirects import external_url, local_path
from app.models import Form
from tests.conftest import TEST_PASSWORD, make_form
from tests.test_teams import invite

CREDENTIALS = {"email": "owner@example.com", "password": TEST_PASSWORD}
HOSTILE_NEXT = [
    "/\t/evil.example/phish", "/\n/evil.example", "/\r/evil.example", "/\r\n/evil.example", "\t//evil.example",
    "/\t\t/evil.example", "/\x0b/evil.example", "/\x0c/evil.example", "/\x00/evil.example", "/\x7f/evil.example",
    " //evil.example", "/\u2028/evil.example", "/\u00a0/evil.example",
    "//evil.example", "///evil.example", "////evil.example/x", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "\\/evil.example", "/ \\evil.example",
    "https://evil.example/", "HTTPS://evil.example", "http:evil.example", "http:/evil.example", "//evil.example:80",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "evil.example",
    "%2F%2Fevil.example", "/%2F/evil.example", "%2F%09%2Fevil.example", "/%5Cevil.example", "@evil.example",
    "//[::1", "/\uff0f/evil.example", "\uff0f\uff0fevil.example",
]


def browser_host(location):
    """The host a browser goes to for a Location header (it drops tabs and newlines, reads \\ as /)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f "
                                                       "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
    return urlsplit(urljoin("http://localhost/login", cleaned.replace("\\", "/"))).netloc


def log_in(app, next_value):
    return app.test_client().post("/login", query_string={"next": next_value}, data=CREDENTIALS)


def test_the_reported_tab_attack_stays_on_the_site(app, accounts):
    accounts.user()
    response = app.test_client().post("/login?next=%2F%09%2Fevil.example%2Fphish", data=CREDENTIALS)
    assert response.status_code == 302 and response.headers["Location"] == "/forms"
    newline = app.test_client().post("/login?next=%2F%0A%2Fevil.example", data=CREDENTIALS)
    assert newline.status_code == 302 and newline.headers["Location"] == "/forms"


def test_log_in_never_redirects_off_site(app, accounts):
    assert browser_host("/\t/evil.example") == browser_host("/\\evil.example") == "evil.example"  # the judge works
    accounts.user()
    for next_value in HOSTILE_NEXT:
        response = log_in(app, next_value)
        assert response.status_code == 302, repr(next_value)
        location = response.headers["Location"]
        assert browser_host(location) == "localhost", (next_value, location)
        assert location.isprintable() and "\\" not in location, (next_value, location)


def test_local_paths_are_followed_as_sent(app, accounts):
    accounts.user()
    assert log_in(app, "/forms/frm_1?tab=webhooks#top").headers["Location"] == "/forms/frm_1?tab=webhooks#top"
    assert log_in(app, "/forms/caf\u00e9").headers["Location"] == "/forms/caf%C3%A9"


def test_a_login_required_page_comes_back_after_logging_in(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    bounced = client.get(f"/forms/{form_id}/submissions")
    login_url = bounced.headers["Location"]
    assert login_url.startswith("/login?next=")
    assert client.post(login_url, data=CREDENTIALS).headers["Location"] == f"/forms/{form_id}/submissions"


def test_an_invitation_login_link_comes_back_to_the_invitation(app, client, accounts):
    accounts.user("owner@example.com", "Acme")
    accounts.user("bo@example.com", "Other")
    accounts.login(client, "owner@example.com")
    link = invite(client, "bo@example.com")
    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    login_href = re.search(r'href="(/login\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    answer = client.post(login_href, data={"email": "bo@example.com", "password": TEST_PASSWORD})
    assert answer.headers["Location"] == link


@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_local_path_refuses_every_variant(next_value):
    assert local_path(next_value) is None or browser_host(local_path(next_value)) == "localhost"


HOSTILE_REDIRECT_URLS = [
    "https://shop.example/thanks\n", "https://shop.example/\r\nSet-Cookie: a=b", "https://shop.example/\tx",
    "https://shop.example\\@evil.example/", "https:\\\\evil.example", "javascript:alert(1)", "//evil.example",
    "https://shop.example:99999/", "https://shop.example:x/", "https://[::1/", "https:///path", "ftp://shop.example/",
]


@pytest.mark.parametrize("url", HOSTILE_REDIRECT_URLS)
def test_a_forms_redirect_url_must_be_sendable_in_the_api(api, url):
    response = api.post("/forms", json={"name": "x", "fields": [], "redirect_url": url})
    assert response.status_code == 422 and "redirect_url" in response.get_json()["error"]["fields"]
    assert external_url(url) is None


@pytest.mark.parametrize("url", HOSTILE_REDIRECT_URLS[:6])
def test_a_forms_redirect_url_must_be_sendable_in_the_dashboard(app, client, accounts, url):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id)
    refused = client.post(f"/forms/{form_id}", data={"name": "Leads", "submit_label": "Go", "redirect_url": url})
    assert refused.status_code == 422 and "enter a full http(s) URL" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Form, form_id).redirect_url is None


def test_a_sendable_redirect_url_still_redirects_after_submit(app, api):
    form = api.create_form(redirect_url="https://shop.example/d\u00e9j\u00e0?x=1")
    response = app.test_client().post(f"/f/{form['public_id']}", data={"name": "Zoe", "email": "z@example.com"})
    assert response.status_code == 303 and response.headers["Location"] == "https://shop.example/d%C3%A9j%C3%A0?x=1"


def test_a_redirect_url_stored_before_the_check_thanks_instead_of_failing(app, api):
    form = api.create_form()
    with app.app_context():
        # what an older version accepted: a URL ending in a line break
        db.session.get(Form, form["id"]).redirect_url = "https://shop.example/thanks\n"
        db.session.commit()
    response = app.test_client().post(f"/f/{form['public_id']}", data={"name": "Zoe", "email": "z@example.com"})
    assert response.status_code == 200 and "Location" not in response.headers
