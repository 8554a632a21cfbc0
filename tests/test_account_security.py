"""Accounts: log-in throttling, password policy, cookie flags, server-side logout, password reset."""

import re
from datetime import timedelta

import pytest

from app.core.config import Config
from app.core.extensions import db
from app.models import PasswordResetToken, User
from tests.conftest import TEST_PASSWORD


def _login(client, email, password="wrong password", address="10.1.1.1"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address},
    )


@pytest.mark.app_config(LOGIN_RATE_LIMIT_ACCOUNT="3/minute", LOGIN_RATE_LIMIT_ADDRESS="100/minute")
def test_failed_logins_are_throttled_per_account_from_any_address(app, client, accounts):
    accounts.user("ana@example.com")
    accounts.user("bo@example.com")
    for attempt in range(3):
        assert _login(client, "ana@example.com", address=f"10.0.0.{attempt}").status_code == 422
    blocked = _login(client, "ana@example.com", password=TEST_PASSWORD, address="10.0.0.9")
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert "Too many failed log-in attempts" in blocked.get_data(as_text=True)
    assert _login(client, "bo@example.com", password=TEST_PASSWORD, address="10.0.0.9").status_code == 302


@pytest.mark.app_config(LOGIN_RATE_LIMIT_ACCOUNT="100/minute", LOGIN_RATE_LIMIT_ADDRESS="3/minute")
def test_failed_logins_are_throttled_per_address_across_accounts(app, client, accounts):
    accounts.user("ana@example.com")
    for number in range(3):
        assert _login(client, f"guess{number}@example.com").status_code == 422
    assert _login(client, "ana@example.com", password=TEST_PASSWORD).status_code == 429
    assert _login(client, "ana@example.com", password=TEST_PASSWORD, address="10.9.9.9").status_code == 302


@pytest.mark.app_config(LOGIN_RATE_LIMIT_ACCOUNT="2/minute", LOGIN_RATE_LIMIT_ADDRESS="2/minute")
def test_successful_logins_do_not_count(app, accounts):
    accounts.user("ana@example.com")
    for _ in range(4):
        assert _login(app.test_client(), "ana@example.com", password=TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize("password, problem", [
    ("short", "at least 8 characters"),
    ("new@example.com", "not your email"),
    ("password123", "most common"),
    ("Qwertyuiop", "most common"),
    ("aaaaaaaaaaaa", "most common"),
])
def test_signup_refuses_weak_passwords(app, client, password, problem):
    response = client.post("/signup", data={"email": "new@example.com", "password": password})
    assert response.status_code == 422 and problem in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []


def test_cli_refuses_a_common_password(app, runner):
    result = runner.invoke(args=["user", "create", "--email", "x@example.com", "--password", "iloveyou1"])
    assert result.exit_code != 0 and "most common" in result.output


def test_session_cookie_is_httponly_lax_and_secure_over_https(app, client, accounts):
    accounts.user()
    cookie = accounts.login(client).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    app.config["SESSION_COOKIE_SECURE"] = True
    secure = accounts.login(app.test_client()).headers["Set-Cookie"]
    assert "Secure" in secure and "HttpOnly" in secure


def test_https_scheme_or_env_turns_secure_cookies_on(monkeypatch, tmp_path):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    assert Config(tmp_path).SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "http")
    assert Config(tmp_path).SESSION_COOKIE_SECURE is False
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    assert Config(tmp_path).SESSION_COOKIE_SECURE is True


def _copy_session(app, source):
    cookie = source.get_cookie(app.config["SESSION_COOKIE_NAME"])
    copy = app.test_client()
    copy.set_cookie(cookie.key, cookie.value)
    return copy


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_stops_working(app, client, accounts):
    accounts.user()
    accounts.login(client)
    stolen = _copy_session(app, client)
    assert stolen.get("/forms").status_code == 200
    client.post("/logout")
    assert stolen.get("/forms").status_code == 302
    assert stolen.get("/forms").headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions(app, client, accounts):
    user_id, _ = accounts.user()
    accounts.login(client)
    with app.app_context():
        db.session.get(User, user_id).set_password("a brand new passphrase")
        db.session.commit()
    assert client.get("/forms").status_code == 302


def _reset_link(message):
    return re.search(r"(/password/reset/[\w-]+)", message.get_payload(decode=True).decode()).group(1)


def test_password_reset_by_emailed_single_use_link(app, client, accounts, mailbox):
    accounts.user("ana@example.com")
    other = app.test_client()
    accounts.login(other, "ana@example.com")
    asked = client.post("/password/forgot", data={"email": "Ana@Example.com"})
    assert asked.status_code == 302
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "ana@example.com" and "Reset" in message["Subject"]
    link = _reset_link(message)
    with app.app_context():
        stored = db.session.scalars(db.select(PasswordResetToken)).one()
        assert link.rsplit("/", 1)[1] not in stored.token_hash

    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "ana@example.com", "confirm": "ana@example.com"})
    assert weak.status_code == 422 and "not your email" in weak.get_data(as_text=True)
    done = client.post(link, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert done.status_code == 302
    assert _login(client, "ana@example.com", password="a brand new passphrase").status_code == 302
    assert client.get(link).status_code == 404
    assert other.get("/forms").status_code == 302


def test_reset_link_expires_and_unknown_addresses_get_the_same_answer(app, client, accounts, mailbox):
    accounts.user("ana@example.com")
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"}, follow_redirects=True)
    known = client.post("/password/forgot", data={"email": "ana@example.com"}, follow_redirects=True)
    assert "If an account exists" in unknown.get_data(as_text=True)
    assert "If an account exists" in known.get_data(as_text=True)
    (message,) = mailbox.wait_for(1)
    with app.app_context():
        token = db.session.scalars(db.select(PasswordResetToken)).one()
        token.expires_at = token.expires_at - timedelta(seconds=app.config["PASSWORD_RESET_TTL"] + 1)
        db.session.commit()
    expired = client.get(_reset_link(message))
    assert expired.status_code == 404 and "expired" in expired.get_data(as_text=True)
    assert client.get("/password/reset/not-a-token").status_code == 404
