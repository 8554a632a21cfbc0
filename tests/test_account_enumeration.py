"""Neither log-in nor sign-up tells a stranger which email addresses have accounts."""

import base64
import re

import pytest

from app.auth import credentials, signup
from app.core.extensions import db
from app.models import User
from tests.conftest import TEST_PASSWORD
from tests.mailbox import body_of, signup_link


@pytest.fixture
def hashes_checked(monkeypatch):
    """Every stored hash the log-in checks a password against (the real check still runs)."""
    seen = []
    real_check = credentials.check_password_hash

    def recording_check(stored_hash, password):
        seen.append(stored_hash)
        return real_check(stored_hash, password)

    monkeypatch.setattr(credentials, "check_password_hash", recording_check)
    return seen


def _method(stored_hash):
    return stored_hash.split("$", 1)[0]  # e.g. "scrypt:32768:8:1": the algorithm and its cost


def _page(response):
    # the CSRF token is signed with the second it was made in: two pages a second apart differ there
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', response.get_data(as_text=True))


def test_an_unknown_email_costs_the_same_hashing_as_a_wrong_password(app, client, accounts, hashes_checked):
    accounts.user("ana@example.com")
    wrong = client.post("/login", data={"email": "ana@example.com", "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 422
    assert "email or password is wrong" in wrong.get_data(as_text=True)
    assert _page(wrong) == _page(unknown).replace("nobody@", "ana@")
    real, dummy = hashes_checked
    assert dummy != real and _method(dummy) == _method(real)  # one hash each, same algorithm and cost


def test_the_dummy_never_logs_anyone_in(app, client, hashes_checked):
    response = client.post("/login", data={"email": "nobody@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 422 and len(hashes_checked) == 1


def _sign_up(app, email, password="a long password"):
    """Sign up from a fresh client; return (status, location, the page it leads to)."""
    client = app.test_client()
    answer = client.post("/signup", data={"email": email, "password": password, "workspace": "Acme"})
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    page = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="TOKEN"', page)  # per session
    return answer.status_code, answer.headers["Location"], page.replace(email, "EMAIL")


def test_signup_answers_an_existing_address_as_a_new_one_and_mails_its_owner(app, accounts, mailbox):
    accounts.user("taken@example.com")
    assert _sign_up(app, "taken@example.com") == _sign_up(app, "fresh@example.com")
    mails = {message["To"]: body_of(message) for message in mailbox.wait_for(2)}
    warned, invited = mails["taken@example.com"], mails["fresh@example.com"]
    assert "already has one" in warned and "/login" in warned and "/signup/confirm/" not in warned
    assert "/signup/confirm/" in invited
    with app.app_context():
        taken = db.session.scalar(db.select(User).where(User.email == "taken@example.com"))
        assert taken.check_password(TEST_PASSWORD)  # the attempt changed nothing
        assert db.session.scalar(db.select(User).where(User.email == "fresh@example.com")) is None


def test_the_emailed_link_finishes_the_signup_once(app, client, mailbox):
    _sign_up(app, "fresh@example.com", "my own password")
    link = signup_link(mailbox.wait_for(1)[0])
    assert "fresh@example.com" in client.get(link).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []  # opening the link (a mail scanner) creates nothing
    assert client.post(link).headers["Location"] == "/forms"
    assert "Acme" in client.get("/forms").get_data(as_text=True)
    again = app.test_client().post(link)
    assert again.status_code == 302 and again.headers["Location"] == "/login"  # used up: the account exists
    assert app.test_client().post("/login", data={"email": "fresh@example.com", "password": "my own password"}
                                  ).status_code == 302


def test_a_tampered_or_expired_link_is_refused(app, client, mailbox, monkeypatch):
    _sign_up(app, "fresh@example.com")
    link = signup_link(mailbox.wait_for(1)[0])
    assert client.post(link[:-3] + "abc").status_code == 404
    monkeypatch.setattr(signup, "SIGNUP_LINK_TTL", -1)
    assert client.post(link).status_code == 404
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []


def test_the_link_holds_no_readable_password_or_hash(app, mailbox):
    _sign_up(app, "fresh@example.com", "my own password")
    message = body_of(mailbox.wait_for(1)[0])
    assert "my own password" not in message and "scrypt" not in message and "pbkdf2" not in message
    token = signup_link(mailbox.wait_for(1)[0]).rsplit("/", 1)[1]
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==")
    assert b"scrypt" not in payload and b"password_hash" not in payload


@pytest.mark.app_config(BASE_URL="https://forms.example.com")
def test_signup_links_come_from_base_url(app, mailbox):
    client = app.test_client()
    client.post("/signup", data={"email": "fresh@example.com", "password": "a long password"},
                headers={"Host": "evil.example"})
    assert "https://forms.example.com/signup/confirm/" in body_of(mailbox.wait_for(1)[0])
