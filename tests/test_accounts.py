"""Sign up, log in, log out, CSRF, and workspace scoping of the dashboard."""

from app.core.extensions import db
from app.models import Form, Membership, User
from tests.conftest import TEST_PASSWORD, csrf_token_from, make_form
from tests.mailbox import signup_link


def test_signup_creates_user_workspace_and_owner_membership(app, client, mailbox):
    data = {"email": "New@Example.com", "password": "a long password", "workspace": "Acme"}
    response = client.post("/signup", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/signup/sent"
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []  # nothing until the link is opened
    link = signup_link(mailbox.wait_for(1)[0])
    page = client.get(link)
    assert page.status_code == 200 and "new@example.com" in page.get_data(as_text=True)
    assert client.post(link).headers["Location"] == "/forms"
    with app.app_context():
        user = db.session.scalars(db.select(User)).one()
        assert user.email == "new@example.com"
        assert user.password_hash != "a long password" and user.check_password("a long password")
        membership = db.session.scalars(db.select(Membership)).one()
        assert membership.role == "owner" and membership.workspace.name == "Acme"
    assert client.get("/forms").status_code == 200


def test_signup_rejects_short_password_and_answers_a_duplicate_email_as_a_new_one(app, client, accounts):
    accounts.user("taken@example.com")
    short = client.post("/signup", data={"email": "x@example.com", "password": "short"})
    assert short.status_code == 422 and "at least 8 characters" in short.get_data(as_text=True)
    duplicate = client.post("/signup", data={"email": "taken@example.com", "password": "a long password"})
    assert duplicate.status_code == 302 and "already exists" not in duplicate.get_data(as_text=True)


def test_login_logout(app, client, accounts):
    accounts.user()
    wrong = client.post("/login", data={"email": "owner@example.com", "password": "nope nope"})
    assert wrong.status_code == 422
    assert client.get("/forms").status_code == 302
    accounts.login(client)
    assert client.get("/forms").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/forms").headers["Location"].startswith("/login")


def test_login_next_only_follows_local_paths(app, client, accounts):
    accounts.user()
    credentials = {"email": "owner@example.com", "password": TEST_PASSWORD}
    response = client.post("/login?next=https://evil.example/", data=credentials)
    assert response.headers["Location"] == "/forms"


def test_dashboard_posts_require_csrf_token(app, client, accounts):
    accounts.user()
    accounts.login(client)
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/forms/new", data={"name": "No token", "submit_label": "Go"})
    assert refused.status_code == 400
    token = csrf_token_from(client.get("/forms/new").get_data(as_text=True))
    created = client.post("/forms/new", data={"name": "With token", "submit_label": "Go", "csrf_token": token})
    assert created.status_code == 302
    with app.app_context():
        assert [form.name for form in db.session.scalars(db.select(Form))] == ["With token"]


def test_another_workspaces_form_is_404(app, client, accounts):
    _, theirs = accounts.user("them@example.com")
    form_id, _ = make_form(app, theirs)
    accounts.user("me@example.com")
    accounts.login(client, "me@example.com")
    assert client.get(f"/forms/{form_id}").status_code == 404
    assert client.get(f"/forms/{form_id}/settings/webhook").status_code == 404
    assert client.post(f"/forms/{form_id}/fields", data={"label": "X", "type": "text"}).status_code == 404
    assert client.get("/forms").get_data(as_text=True).count(form_id) == 0
