"""The dashboard's Spam view: reasons shown, "Not spam" delivers, "Delete" removes files too; the settings pages."""

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.files.storage import storage
from app.models import Delivery, Form, Mail, StoredFile, Submission, Workspace
from tests.conftest import drain, make_form, make_webhook

pytestmark = pytest.mark.app_config(SPAM_PROTECTION=True)


@pytest.fixture
def form(app, accounts, client):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    accounts.login(client)
    return {"id": form_id, "public_id": public_id, "workspace_id": workspace_id}


def held_ids(app):
    with app.app_context():
        return db.session.scalars(select(Submission.id).where(Submission.status == "spam")).all()


def test_not_spam_accepts_and_delivers_the_held_submission(app, client, form, receiver):
    make_webhook(app, form["id"], receiver.url + "/hook")
    client.post(f"/f/{form['public_id']}", data={"name": "Ana", "email": "ana@example.com"})
    (held,) = held_ids(app)
    page = client.get(f"/forms/{form['id']}/spam").get_data(as_text=True)
    assert "No proof-of-work solution was sent" in page and "Ana" in page
    assert client.get(f"/forms/{form['id']}/submissions").get_data(as_text=True).count(held) == 0
    with app.app_context():
        assert db.session.scalars(select(Delivery)).all() == []

    response = client.post(f"/forms/{form['id']}/spam/{held}/release")
    assert response.status_code == 303
    drain(app)
    (request,) = receiver.wait_for(1)
    assert '"name": "Ana"' in request.text or '"name":"Ana"' in request.text
    with app.app_context():
        submission = db.session.get(Submission, held)
        assert (submission.status, submission.spam_reasons) == ("accepted", None)
    # released once: it is no longer in Spam, so a second "Not spam" finds nothing
    assert client.post(f"/forms/{form['id']}/spam/{held}/release").status_code == 404


def test_delete_removes_the_held_submission_and_its_files(app, client, form):
    client.post(f"/f/{form['public_id']}", data={"name": "Bot", "email": "bot@example.com"})
    (held,) = held_ids(app)
    with app.app_context():
        stored = StoredFile(
            workspace_id=form["workspace_id"], form_id=form["id"], submission_id=held, field_key="name",
            name="x.pdf", size=3, content_type="application/pdf", storage_key=f"{form['workspace_id']}/spam_x",
        )
        storage().put(stored.storage_key, b"pdf", "application/pdf")
        db.session.add(stored)
        db.session.commit()
    assert client.post(f"/forms/{form['id']}/spam/{held}/delete").status_code == 303
    assert held_ids(app) == []
    with app.app_context():
        assert db.session.scalars(select(StoredFile)).all() == []
        with pytest.raises(KeyError):
            storage().get(f"{form['workspace_id']}/spam_x")


def test_an_accepted_submission_cannot_be_released_or_deleted_from_spam(app, client, form):
    client.post(f"/f/{form['public_id']}", json={"name": "Real", "email": "real@example.com"})
    with app.app_context():
        accepted = db.session.scalars(select(Submission.id)).one()
    assert client.post(f"/forms/{form['id']}/spam/{accepted}/release").status_code == 404
    assert client.post(f"/forms/{form['id']}/spam/{accepted}/delete").status_code == 404


def test_settings_turn_checks_off_and_set_a_captcha(app, client, form):
    page = client.get(f"/forms/{form['id']}/spam/settings")
    assert page.status_code == 200 and '<input checked id="challenge" name="challenge"' in page.get_data(as_text=True)
    missing_secret = client.post(f"/forms/{form['id']}/spam/settings", data={
        "min_seconds": "5", "captcha": "turnstile", "captcha_site_key": "site-1"})
    assert missing_secret.status_code == 422
    assert "the captcha needs its secret key" in missing_secret.get_data(as_text=True)
    bad_number = client.post(f"/forms/{form['id']}/spam/settings", data={"min_seconds": "-1"})
    assert bad_number.status_code == 422
    saved = client.post(f"/forms/{form['id']}/spam/settings", data={
        "min_seconds": "0", "duplicates": "y", "captcha": "hcaptcha", "captcha_site_key": "site-1",
        "captcha_secret": "shh"})
    assert saved.status_code == 303
    with app.app_context():
        stored = db.session.get(Form, form["id"])
        assert stored.spam_settings == {
            "challenge": False, "min_seconds": 0, "max_links": None, "duplicates": True, "blocklist": False,
            "captcha": "hcaptcha", "captcha_site_key": "site-1",
        }
        assert stored.captcha_secret == "shh"
    html = client.get(f"/f/{form['public_id']}")
    assert 'class="h-captcha third-party-captcha" data-sitekey="site-1"' in html.get_data(as_text=True)
    assert "https://js.hcaptcha.com" in html.headers["Content-Security-Policy"] or \
        "https://*.hcaptcha.com" in html.headers["Content-Security-Policy"]


def test_a_form_token_is_made_and_shown(app, client, form):
    assert client.post(f"/forms/{form['id']}/spam/token").status_code == 303
    with app.app_context():
        token = db.session.get(Form, form["id"]).spam_token
    assert token.startswith("fht_")
    assert f"Formhook-Form-Token: {token}" in client.get(f"/forms/{form['id']}/spam/settings").get_data(as_text=True)


def test_block_lists_are_saved_one_a_line_and_bad_entries_are_named(app, client, form):
    bad = client.post("/settings/spam", data={"enabled": "y", "addresses": "10.0.0.0/8\nnot-an-ip"})
    assert bad.status_code == 422 and "“not-an-ip” is not an IP address or network" in bad.get_data(as_text=True)
    response = client.post("/settings/spam", data={
        "enabled": "y", "emails": "Bad@Example.com\n\nbad@example.com", "domains": "@spam.example",
        "addresses": "203.0.113.7\n2001:db8::/32"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Workspace, form["workspace_id"]).spam_blocklist == {
            "enabled": True, "emails": ["bad@example.com"], "domains": ["spam.example"],
            "addresses": ["203.0.113.7", "2001:db8::/32"],
        }


def test_a_held_submission_sends_no_mail_until_not_spam(app, client, accounts, mailbox):
    user_id, workspace_id = accounts.user("owner@example.com")
    form_id, public_id = make_form(app, workspace_id, notifications={
        "members": [user_id], "emails": [], "autoresponder": {"field": "email", "subject": "", "body": ""}})
    accounts.login(client)
    client.post(f"/f/{public_id}", data={"name": "Ana", "email": "ana@example.com"})
    drain(app)
    (held,) = held_ids(app)
    with app.app_context():
        assert db.session.scalars(select(Mail)).all() == []
    assert client.post(f"/forms/{form_id}/spam/{held}/release").status_code == 303
    drain(app)
    assert {message["To"] for message in mailbox.wait_for(2)} == {"owner@example.com", "ana@example.com"}


def test_a_duplicated_form_keeps_its_spam_checks_but_not_its_token(app, client, form):
    with app.app_context():
        original = db.session.get(Form, form["id"])
        original.spam_settings = {"min_seconds": 0, "captcha": "turnstile", "captcha_site_key": "k"}
        original.captcha_secret, original.spam_token = "shh", "fht_original"
        db.session.commit()
    assert client.post(f"/forms/{form['id']}/duplicate").status_code == 302
    with app.app_context():
        copy = db.session.scalars(select(Form).where(Form.id != form["id"])).one()
        assert (copy.spam_settings["captcha"], copy.captcha_secret, copy.spam_token) == ("turnstile", "shh", None)


def test_a_held_submissions_page_says_why_and_offers_not_spam(app, client, form):
    client.post(f"/f/{form['public_id']}", data={"name": "Ana", "email": "ana@example.com"})
    (held,) = held_ids(app)
    page = client.get(f"/forms/{form['id']}/submissions/{held}").get_data(as_text=True)
    assert 'id="spam-notice"' in page and "No proof-of-work solution was sent" in page
    assert f"/forms/{form['id']}/spam/{held}/release" in page
    assert f'href="/forms/{form["id"]}/spam"' in page, "the form's tabs lead to Spam"
    client.post(f"/forms/{form['id']}/spam/{held}/release")
    assert 'id="spam-notice"' not in client.get(f"/forms/{form['id']}/submissions/{held}").get_data(as_text=True)


def test_the_spam_pages_speak_indonesian(app, client, form):
    client.post(f"/f/{form['public_id']}", data={"name": "Ana", "email": "ana@example.com"})
    headers = {"Accept-Language": "id"}
    page = client.get(f"/forms/{form['id']}/spam", headers=headers).get_data(as_text=True)
    assert "Bukan spam" in page and "Tidak ada solusi proof-of-work yang dikirim" in page
    settings = client.get(f"/forms/{form['id']}/spam/settings", headers=headers).get_data(as_text=True)
    assert "Perlindungan spam" in settings and "Captcha pihak ketiga" in settings


def test_only_owners_and_admins_change_the_block_lists(app, client, accounts, form):
    from app.models import Membership

    with app.app_context():
        owner = db.session.scalars(select(Membership).where(Membership.workspace_id == form["workspace_id"])).one()
        owner.role = "member"
        db.session.commit()
    page = client.get("/settings/spam").get_data(as_text=True)
    assert "Only owners and admins change these settings." in page and "disabled" in page
    assert client.post("/settings/spam", data={"enabled": "y", "emails": "x@example.com"}).status_code == 403
    with app.app_context():
        assert db.session.get(Workspace, form["workspace_id"]).spam_blocklist is None
