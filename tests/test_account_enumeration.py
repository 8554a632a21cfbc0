"""Neither log-in nor sign-up tells a stranger which email addresses have accounts."""

import pytest

from app.auth import credentials
from tests.conftest import TEST_PASSWORD


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


def test_an_unknown_email_costs_the_same_hashing_as_a_wrong_password(app, client, accounts, hashes_checked):
    accounts.user("ana@example.com")
    wrong = client.post("/login", data={"email": "ana@example.com", "password": "not the password"})
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 422
    assert "email or password is wrong" in wrong.get_data(as_text=True)
    assert wrong.get_data(as_text=True) == unknown.get_data(as_text=True).replace("nobody@", "ana@")
    real, dummy = hashes_checked
    assert dummy != real and _method(dummy) == _method(real)  # one hash each, same algorithm and cost


def test_the_dummy_never_logs_anyone_in(app, client, hashes_checked):
    response = client.post("/login", data={"email": "nobody@example.com", "password": TEST_PASSWORD})
    assert response.status_code == 422 and len(hashes_checked) == 1
