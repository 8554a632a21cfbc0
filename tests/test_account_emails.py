"""One email rule: what the log-in form refuses, the CLI, sign-up, invitations and resets refuse too."""

import pytest

from app.auth.emails import EmailRefused, normalize_email
from app.core.extensions import db
from app.models import Invitation, User
from tests.conftest import TEST_PASSWORD

REFUSED = [
    "not-an-email", "a@b", "a@@example.com", "a@example..com", "a b@example.com", "a@exa mple.com",
    "@example.com", "a@", "a@localhost", "a\n@example.com", "a@example.com,b@example.com",
    "<a@example.com>", "a@-example.com", "x" * 250 + "@example.com",
]


@pytest.mark.parametrize("address", REFUSED)
def test_cli_refuses_what_the_login_form_refuses(app, runner, client, address):
    login = client.post("/login", data={"email": address, "password": TEST_PASSWORD})
    assert login.status_code == 422 and "enter a valid email address" in login.get_data(as_text=True)
    result = runner.invoke(args=["user", "create", "--email", address, "--password", "long enough"])
    assert result.exit_code != 0 and "email refused" in result.output
    key = runner.invoke(args=["apikey", "create", "--email", address])
    assert key.exit_code != 0 and "email refused" in key.output
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []
    with pytest.raises(EmailRefused):
        normalize_email(address)


@pytest.mark.parametrize("address", REFUSED[:8])
def test_signup_invitations_and_resets_refuse_them_too(app, client, accounts, address):
    signup = client.post("/signup", data={"email": address, "password": "a long password"})
    assert signup.status_code == 422 and "enter a valid email address" in signup.get_data(as_text=True)
    forgot = client.post("/password/forgot", data={"email": address})
    assert forgot.status_code == 422
    accounts.user()
    accounts.login(client)
    invited = client.post("/workspace/invitations", data={"email": address, "role": "member"})
    assert invited.status_code == 422 and "enter a valid email address" in invited.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Invitation)).all() == []


def test_an_address_the_cli_takes_logs_in_as_written(app, runner, client):
    written = "  Zoe.Ng+leads@Example.COM "
    result = runner.invoke(args=["user", "create", "--email", written, "--password", "long enough"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(db.select(User.email)).all() == ["zoe.ng+leads@example.com"]
    logged_in = client.post("/login", data={"email": "Zoe.Ng+leads@example.com", "password": "long enough"})
    assert logged_in.status_code == 302
