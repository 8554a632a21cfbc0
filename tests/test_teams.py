"""Workspaces for teams: invite by link, accept, switch, remove; members see only their workspaces."""

import re
from datetime import timedelta

from app.core.extensions import db
from app.models import Form, Invitation, Membership, User
from app.models.base import utcnow
from tests.conftest import TEST_PASSWORD, csrf_token_from, make_form
from tests.mailbox import Mailbox


def invite(client, email, role="member"):
    """Invite email from the logged-in client; return the link's path."""
    response = client.post("/workspace/invitations", data={"email": email, "role": role}, follow_redirects=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    match = re.search(r"http://[^/\s]+(/invite/[A-Za-z0-9_-]+)", response.get_data(as_text=True))
    assert match, "the invitation link is shown to the inviter"
    return match.group(1)


def membership_id(app, email, workspace_id):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return user.membership_in(workspace_id).id


def test_invite_new_person_who_signs_up_and_joins(app, client, accounts):
    _, workspace_id = accounts.user("owner@example.com", "Acme")
    accounts.login(client, "owner@example.com")
    make_form(app, workspace_id, name="Acme leads")
    link = invite(client, "New@Example.com", "admin")
    client.post("/logout")

    page = client.get(link)
    assert page.status_code == 200 and "Join Acme" in page.get_data(as_text=True)
    assert client.post(link, data={"password": "short"}).status_code == 422
    response = client.post(link, data={"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "Acme leads" in client.get("/forms").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "new@example.com"))
        assert [(m.workspace_id, m.role) for m in user.memberships] == [(workspace_id, "admin")]
    assert client.get(link).status_code == 404  # single use


def test_existing_user_logs_in_then_joins_and_switches(app, client, accounts):
    _, acme = accounts.user("owner@example.com", "Acme")
    _, own = accounts.user("bo@example.com", "Bo's")
    make_form(app, acme, name="Acme form")
    make_form(app, own, name="Bo form")
    accounts.login(client, "owner@example.com")
    link = invite(client, "bo@example.com")
    client.post("/logout")

    page = client.get(link).get_data(as_text=True)
    assert "Log in to join" in page
    login = client.post(f"/login?next={link}", data={"email": "bo@example.com", "password": TEST_PASSWORD})
    assert login.headers["Location"] == link
    assert client.post(link).status_code == 302
    forms = client.get("/forms").get_data(as_text=True)
    assert "Acme form" in forms and "Bo form" not in forms
    assert 'id="workspace-switcher"' in forms and "Bo&#39;s" in forms

    switched = client.post("/workspace/switch", data={"workspace_id": own}, follow_redirects=True)
    page = switched.get_data(as_text=True)
    assert "Bo form" in page and "Acme form" not in page


def test_logged_in_as_someone_else_cannot_use_the_link(app, client, accounts):
    accounts.user("owner@example.com", "Acme")
    accounts.user("eve@example.com")
    accounts.login(client, "owner@example.com")
    link = invite(client, "bo@example.com")
    client.post("/logout")
    accounts.login(client, "eve@example.com")
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403
    with app.app_context():
        assert db.session.scalars(db.select(Invitation)).one().accepted_at is None


def test_expired_revoked_and_bogus_links_are_404(app, client, accounts):
    _, workspace_id = accounts.user("owner@example.com", "Acme")
    accounts.login(client, "owner@example.com")
    expired = invite(client, "a@example.com")
    revoked = invite(client, "b@example.com")
    with app.app_context():
        first, second = db.session.scalars(db.select(Invitation).order_by(Invitation.created_at)).all()
        first.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        second_id = second.id
    assert client.post(f"/workspace/invitations/{second_id}/revoke").status_code == 302
    client.post("/logout")
    for path in (expired, revoked, "/invite/not-a-token"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data={"password": TEST_PASSWORD}).status_code == 404, path


def test_cannot_switch_into_a_workspace_you_are_not_in(app, client, accounts):
    accounts.user("owner@example.com")
    _, other = accounts.user("other@example.com")
    other_form, _ = make_form(app, other, name="Secret plans")
    accounts.login(client, "owner@example.com")
    assert client.post("/workspace/switch", data={"workspace_id": other}).status_code == 404
    with client.session_transaction() as session:
        session["workspace_id"] = other  # even a forged session only falls back to the user's own
    assert "Secret plans" not in client.get("/forms").get_data(as_text=True)
    assert client.get(f"/forms/{other_form}").status_code == 404


def test_remove_rules(app, client, accounts):
    _, acme = accounts.user("owner@example.com", "Acme")
    accounts.user("admin@example.com", "Acme")
    accounts.user("member@example.com", "Acme")
    with app.app_context():
        db.session.get(Membership, membership_id(app, "admin@example.com", acme)).role = "admin"
        db.session.commit()
    owner_mem = membership_id(app, "owner@example.com", acme)
    member_mem = membership_id(app, "member@example.com", acme)

    accounts.login(client, "member@example.com")
    refused = client.post(f"/workspace/members/{owner_mem}/remove", follow_redirects=True)
    assert "only owners and admins can remove members" in refused.get_data(as_text=True)
    assert client.post("/workspace/invitations", data={"email": "x@example.com"}).status_code == 403
    client.post("/logout")

    accounts.login(client, "admin@example.com")
    refused = client.post(f"/workspace/members/{owner_mem}/remove", follow_redirects=True)
    assert "only an owner can remove an owner" in refused.get_data(as_text=True)
    removed = client.post(f"/workspace/members/{member_mem}/remove", follow_redirects=True)
    assert "member@example.com was removed" in removed.get_data(as_text=True)
    client.post("/logout")

    accounts.login(client, "owner@example.com")
    refused = client.post(f"/workspace/members/{owner_mem}/remove", follow_redirects=True)
    assert "the last owner cannot be removed" in refused.get_data(as_text=True)
    with app.app_context():
        emails = sorted(m.user.email for m in db.session.scalars(db.select(Membership)).all())
        assert emails == ["admin@example.com", "owner@example.com"]


def test_cannot_remove_or_revoke_in_another_workspace(app, client, accounts):
    accounts.user("owner@example.com", "Acme")
    _, other = accounts.user("other@example.com", "Other")
    other_mem = membership_id(app, "other@example.com", other)
    with app.app_context():
        invitation, _ = Invitation.issue(other, "z@example.com", "member", None)
        db.session.add(invitation)
        db.session.commit()
        invitation_id = invitation.id
    accounts.login(client, "owner@example.com")
    assert client.post(f"/workspace/members/{other_mem}/remove").status_code == 404
    assert client.post(f"/workspace/invitations/{invitation_id}/revoke").status_code == 404
    page = client.get("/workspace/members").get_data(as_text=True)
    assert "other@example.com" not in page and "z@example.com" not in page


def test_admin_cannot_invite_an_owner_and_members_are_not_reinvited(app, client, accounts):
    _, acme = accounts.user("owner@example.com", "Acme")
    accounts.user("admin@example.com", "Acme")
    with app.app_context():
        db.session.get(Membership, membership_id(app, "admin@example.com", acme)).role = "admin"
        db.session.commit()
    accounts.login(client, "admin@example.com")
    assert client.post("/workspace/invitations", data={"email": "x@example.com", "role": "owner"}).status_code == 422
    again = client.post("/workspace/invitations", data={"email": "owner@example.com", "role": "member"})
    assert again.status_code == 422 and "already a member" in again.get_data(as_text=True)


def test_invitation_stores_only_a_hash_of_the_token(app, client, accounts):
    accounts.user("owner@example.com", "Acme")
    accounts.login(client, "owner@example.com")
    link = invite(client, "n@example.com")
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        invitation = db.session.scalars(db.select(Invitation)).one()
        assert token not in (invitation.token_hash, invitation.id)
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_switch_needs_a_csrf_token(app, client, accounts):
    _, first = accounts.user("owner@example.com", "Acme")
    _, second = accounts.user("owner2@example.com", "Beta")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "owner@example.com"))
        db.session.add(Membership(user=user, workspace_id=second, role="member"))
        db.session.commit()
    accounts.login(client, "owner@example.com")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/workspace/switch", data={"workspace_id": second}).status_code == 400
    token = csrf_token_from(client.get("/workspace/members").get_data(as_text=True))
    response = client.post("/workspace/switch", data={"workspace_id": second, "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(Form)).all() == []


def test_member_of_two_workspaces_can_leave_one(app, client, accounts):
    _, acme = accounts.user("owner@example.com", "Acme")
    accounts.user("bo@example.com", "Acme")
    accounts.login(client, "bo@example.com")
    assert "Leave" not in client.get("/workspace/members").get_data(as_text=True)  # their only workspace
    with app.app_context():
        from app.models import Workspace

        user = db.session.scalar(db.select(User).where(User.email == "bo@example.com"))
        own = Workspace(name="Bo's")
        db.session.add(Membership(user=user, workspace=own, role="owner"))
        db.session.commit()
    page = client.get("/workspace/members").get_data(as_text=True)
    assert "Leave" in page and 'data-confirm="Leave this workspace?"' in page
    left = client.post(f"/workspace/members/{membership_id(app, 'bo@example.com', acme)}/remove",
                       follow_redirects=True)
    assert "You left the workspace." in left.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "bo@example.com"))
        assert [m.workspace.name for m in user.memberships] == ["Bo's"]


def test_invitation_is_emailed_to_the_invitee(app, client, accounts):
    box = Mailbox()
    box.controller.start()
    app.config["MAIL_URL"] = box.url
    try:
        accounts.user("owner@example.com", "Acme")
        accounts.login(client, "owner@example.com")
        link = invite(client, "zoe@example.com", "admin")
        (message,) = box.wait_for(1)
    finally:
        box.controller.stop()
    assert message["To"] == "zoe@example.com" and "Acme" in message["Subject"]
    assert link in message.get_payload(decode=True).decode()


def test_invitation_links_come_from_base_url_not_the_host_header(app, client, accounts):
    box = Mailbox()
    box.controller.start()
    app.config.update(MAIL_URL=box.url, BASE_URL="https://forms.example.com")
    try:
        accounts.user("owner@example.com", "Acme")
        client.environ_base["HTTP_HOST"] = "evil.example"  # every request, so the session cookie follows
        accounts.login(client, "owner@example.com")
        shown = client.post("/workspace/invitations", data={"email": "zoe@example.com", "role": "member"},
                            follow_redirects=True).get_data(as_text=True)
        (message,) = box.wait_for(1)
    finally:
        box.controller.stop()
    mailed = message.get_payload(decode=True).decode()
    assert re.search(r"https://forms\.example\.com/invite/[A-Za-z0-9_-]+", mailed)
    assert "https://forms.example.com/invite/" in shown
    assert "evil.example" not in mailed and "evil.example" not in shown
