"""The dashboard's language: the user's choice, else the cookie, else Accept-Language, else English."""

import re
from datetime import datetime

import pytest
from flask_babel import force_locale

from app.core.extensions import db
from app.delivery import policy
from app.models import CaptureBin, Submission, User, Webhook, Workspace
from app.services import disabled_reasons
from tests.conftest import make_form, make_webhook


def _lang(response):
    return re.search(r'<html lang="(\w+)">', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize(("accept_language", "expected"), [
    (None, "en"), ("id-ID,id;q=0.9,en;q=0.8", "id"), ("en-US,en;q=0.9,id;q=0.5", "en"), ("de-DE", "en"),
])
def test_an_anonymous_visitor_gets_the_browsers_language(client, accept_language, expected):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    page = client.get("/login", headers=headers)
    assert _lang(page) == expected
    assert ("Masuk" if expected == "id" else "Log in") in page.get_data(as_text=True)


def test_the_switcher_sets_a_cookie_for_an_anonymous_visitor(client):
    switched = client.post("/language", data={"language": "id", "next": "/signup"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/signup"
    assert "formhook_language=id" in switched.headers["Set-Cookie"]
    assert "HttpOnly" in switched.headers["Set-Cookie"]
    page = client.get("/signup", headers={"Accept-Language": "en"})
    assert _lang(page) == "id" and "Buat akun Anda" in page.get_data(as_text=True)


def test_a_users_choice_beats_the_cookie_and_the_browser(app, client, accounts):
    user_id, _ = accounts.user()
    accounts.login(client)
    assert _lang(client.get("/forms", headers={"Accept-Language": "id"})) == "id"  # nothing chosen: the browser
    client.post("/language", data={"language": "en", "next": "/forms"})
    client.set_cookie("formhook_language", "id")
    page = client.get("/forms", headers={"Accept-Language": "id"})
    assert _lang(page) == "en" and ">Forms</h1>" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).language == "en"
    client.post("/language", data={"language": "id", "next": "/forms"})
    page = client.get("/forms", headers={"Accept-Language": "en"})
    assert _lang(page) == "id" and ">Formulir</h1>" in page.get_data(as_text=True)


@pytest.mark.parametrize("data", [{"language": "fr"}, {"language": ""}, {}])
def test_an_unknown_language_is_refused_and_nothing_changes(app, client, accounts, data):
    user_id, _ = accounts.user()
    accounts.login(client)
    response = client.post("/language", data=data)
    assert response.status_code == 400 and "formhook_language" not in response.headers.get("Set-Cookie", "")
    with app.app_context():
        assert db.session.get(User, user_id).language is None


def test_the_switcher_never_sends_a_visitor_to_another_site(client):
    for target in ("https://evil.example/", "//evil.example", "/\t/evil.example"):
        response = client.post("/language", data={"language": "id", "next": target})
        assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_switcher_needs_the_csrf_token(client):
    response = client.post("/language", data={"language": "id", "next": "/login"})
    assert response.status_code == 400 and "formhook_language" not in response.headers.get("Set-Cookie", "")


def test_hosted_pages_keep_their_own_language(app, client, accounts):
    """A dashboard user's choice does not change what their form's visitors read."""
    _, workspace_id = accounts.user()
    accounts.login(client)
    client.post("/language", data={"language": "id"})
    _, public_id = make_form(app, workspace_id, language="en")
    assert _lang(client.get(f"/f/{public_id}", headers={"Accept-Language": "id"})) == "en"


def test_every_dashboard_page_renders_in_indonesian(app, client, accounts, receiver):
    """Each page answers 200 in Indonesian, with the switcher and none of a few telling English words."""
    _, workspace_id = accounts.user()
    accounts.login(client)
    client.post("/language", data={"language": "id"})
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url + "/hook")
    client.post(f"/f/{public_id}", json={"name": "Sari", "email": "sari@example.com"})
    client.post("/inspector", data={"name": "Uji"})
    with app.app_context():
        submission = db.session.scalars(db.select(Submission)).one()
        submission_id, field_id = submission.id, submission.form.fields[0].id
        delivery_id = submission.deliveries[0].id
        bin_id = db.session.scalars(db.select(CaptureBin.id)).one()
    paths = [
        "/forms", "/forms/new", f"/forms/{form_id}", f"/forms/{form_id}/share", f"/forms/{form_id}/submissions",
        f"/forms/{form_id}/submissions/{submission_id}", f"/forms/{form_id}/fields/{field_id}",
        f"/forms/{form_id}/delete", f"/forms/{form_id}/settings/webhook", f"/forms/{form_id}/webhooks/new",
        f"/forms/{form_id}/webhooks/new?preset=telegram", f"/inspector/{bin_id}",
        f"/forms/{form_id}/webhooks/{webhook_id}", f"/forms/{form_id}/webhooks/{webhook_id}/delete",
        f"/forms/{form_id}/deliveries", f"/deliveries/{delivery_id}", f"/webhooks/{webhook_id}/deliveries",
        f"/webhooks/{webhook_id}/health", f"/webhooks/{webhook_id}/audit", f"/submissions/{submission_id}/deliveries",
        "/settings/api-keys", "/settings/workspace", "/workspace/members", "/inspector", "/api/docs",
        "/no-such-page",
    ]
    for path in paths:
        page = client.get(path)
        html = page.get_data(as_text=True)
        assert page.status_code == (404 if path == "/no-such-page" else 200), path
        assert _lang(page) == "id" and 'id="language-switcher"' in html, path
        for english in (">Delete<", ">Edit<", ">Cancel<", ">Save", "Log out", ">Submissions<", "Not Found"):
            assert english not in html, (path, english)


def _indonesian_owner_with_a_form(app, client, accounts):
    """Log an owner in who picked Indonesian; return (workspace_id, form_id) of a form of theirs."""
    _, workspace_id = accounts.user()
    accounts.login(client)
    client.post("/language", data={"language": "id"})
    return workspace_id, make_form(app, workspace_id)[0]


def test_webhook_validation_speaks_the_dashboards_language(app, client, accounts):
    """The editor's refusals and warnings come from the shared checks; they follow the user's language."""
    _, form_id = _indonesian_owner_with_a_form(app, client, accounts)
    refused = client.post(f"/forms/{form_id}/webhooks/new", data={
        "url": "ftp://crm.example/hook", "method": "POST", "format": "json", "match": "all", "enabled": "y",
    })
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "harus diawali http:// atau https://" in html and "must start with" not in html
    bad_template = client.post(f"/forms/{form_id}/webhooks/new", data={
        "url": "https://crm.example/hook?x={{ name", "method": "POST", "format": "json", "match": "all",
    }).get_data(as_text=True)
    assert "kesalahan sintaks templat di baris 1" in bad_template and "template syntax error" not in bad_template
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []


def test_why_a_webhook_is_off_reads_in_the_users_language_and_zone(app, client, accounts):
    """The reason is stored in English (the API gives it so); the dashboard translates it and shows WIB."""
    workspace_id, form_id = _indonesian_owner_with_a_form(app, client, accounts)
    webhook_id = make_webhook(app, form_id, "https://crm.example/hook")
    with app.app_context():
        db.session.get(Workspace, workspace_id).timezone = "Asia/Jakarta"
        webhook = db.session.get(Webhook, webhook_id)
        webhook.enabled = False
        webhook.disabled_reason = policy.STREAK_REASON.format(since=datetime(2026, 12, 2, 14, 44), failures=37)
        db.session.commit()
    html = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert "gagal terus-menerus sejak 2 Des 2026 21.44 WIB (37 percobaan gagal)" in html
    assert "failing continuously" not in html
    client.post("/language", data={"language": "en"})
    html = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert "failing continuously since Dec 2, 2026, 21:44 WIB (37 failed attempts)" in html


@pytest.mark.parametrize(("stored", "indonesian"), [
    (policy.GONE_REASON, "endpoint menjawab 410 Gone"),
    ("disabled in the dashboard", "dinonaktifkan di dasbor"),
    ("switched off by a script", "switched off by a script"),  # a text we do not know stays as stored
    (None, None),
])
def test_known_reasons_are_translated_and_others_kept(app, stored, indonesian):
    with app.test_request_context(), force_locale("id"):
        assert disabled_reasons.reason_text(stored, "UTC") == indonesian


@pytest.mark.app_config(WEBHOOK_ALLOWED_NETWORKS=[])
def test_a_private_address_is_refused_in_the_users_language(app, client, accounts):
    _, form_id = _indonesian_owner_with_a_form(app, client, accounts)
    refused = client.post(f"/forms/{form_id}/webhooks/new", data={
        "url": "http://10.0.0.7/hook", "method": "POST", "format": "json", "match": "all", "enabled": "y",
    })
    assert refused.status_code == 422
    assert "diblokir: 10.0.0.7 adalah alamat privat" in refused.get_data(as_text=True)
