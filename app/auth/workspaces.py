"""The signed-in user's current workspace."""

import hmac

from flask import abort, g, session
from flask_login import current_user, login_required

from app.auth.emails import normalize_email
from app.core.extensions import db, login_manager
from app.models import Membership, User, Workspace


@login_manager.user_loader
def load_user(session_user_id):
    """The session's user, if the session was issued under the user's current session token."""
    user_id, _, token = session_user_id.partition(":")
    user = db.session.get(User, user_id)
    if user is None or not token or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def current_membership():
    """The membership of the workspace chosen in the session (or the first one)."""
    if "membership" in g:
        return g.membership
    memberships = sorted(current_user.memberships, key=lambda m: m.created_at)
    chosen = next((m for m in memberships if m.workspace_id == session.get("workspace_id")), None)
    chosen = chosen or (memberships[0] if memberships else None)
    g.membership = chosen
    return chosen


def current_workspace_id():
    """The current workspace's id; 404 for a user with none."""
    membership = current_membership()
    if membership is None:
        abort(404)
    return membership.workspace_id


def create_user(email, password, workspace_name=None, password_hash=None):
    """Create a user and add them to a workspace (new, or existing by name); caller commits.

    Raises EmailRefused for an address the log-in form would refuse.
    """
    user = User(email=normalize_email(email))
    if password_hash is None:
        user.set_password(password)
    else:  # a sign-up link carries the hash made when the password was typed
        user.password_hash = password_hash
    db.session.add(user)
    workspace = None
    if workspace_name:
        workspace = db.session.scalar(db.select(Workspace).where(Workspace.name == workspace_name))
    role = "member" if workspace else "owner"
    if workspace is None:
        workspace = Workspace(name=workspace_name or f"{user.email}'s workspace")
        db.session.add(workspace)
    db.session.add(Membership(user=user, workspace=workspace, role=role))
    return user, workspace


__all__ = ["create_user", "current_membership", "current_workspace_id", "login_required"]
