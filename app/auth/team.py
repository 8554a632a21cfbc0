"""Team rules: who may invite or remove whom, and joining a workspace by invitation."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import update

from app.core.extensions import db
from app.core.tenancy import scoped
from app.delivery import listen_sessions
from app.models import ApiKey, Invitation, Membership
from app.models.base import utcnow
from app.models.invitations import hash_invitation_token

MANAGER_ROLES = ("owner", "admin")
ROLE_NAMES = {"owner": lazy_gettext("owner"), "admin": lazy_gettext("admin"), "member": lazy_gettext("member")}


class TeamError(Exception):
    """An action the rules forbid; the message says why."""


def role_label(role):
    """A role as the page's language names it (the stored value stays English)."""
    return ROLE_NAMES.get(role, role)


def can_manage(membership):
    return membership is not None and membership.role in MANAGER_ROLES


def invitable_roles(membership):
    """Owners may invite any role; admins may not create owners."""
    return ["owner", "admin", "member"] if membership.role == "owner" else ["admin", "member"]


def open_invitation(token):
    """The invitation for token when it is unused and unexpired, else None."""
    invitation = db.session.scalar(
        db.select(Invitation).where(Invitation.token_hash == hash_invitation_token(token or ""))
    )
    return invitation if invitation is not None and invitation.is_open() else None


def accept(invitation, user):
    """Add user to the invitation's workspace and use up the invitation; the caller commits."""
    if invitation.email != user.email:
        raise TeamError(_("this invitation is for %(email)s", email=invitation.email))
    membership = user.membership_in(invitation.workspace_id)
    if membership is None:
        membership = Membership(user=user, workspace_id=invitation.workspace_id, role=invitation.role)
        db.session.add(membership)
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    return membership


def owner_count(workspace_id):
    return len(db.session.scalars(scoped(Membership, workspace_id).where(Membership.role == "owner")).all())


def remove_membership(membership):
    """Take a member out of a workspace and revoke the API keys they made there; the caller commits."""
    revoked = db.session.scalars(
        update(ApiKey)
        .where(ApiKey.workspace_id == membership.workspace_id, ApiKey.user_id == membership.user_id,
               ApiKey.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(ApiKey.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.delete(membership)
    listen_sessions.end_sessions_of_keys(current_app.redis, revoked)  # their listen streams stop now


def check_removal(actor, target):
    """Raise TeamError unless actor may remove target from their shared workspace."""
    if not can_manage(actor) and actor.id != target.id:
        raise TeamError(_("only owners and admins can remove members"))
    if target.role == "owner" and actor.role != "owner":
        raise TeamError(_("only an owner can remove an owner"))
    if target.role == "owner" and owner_count(target.workspace_id) <= 1:
        raise TeamError(_("the last owner cannot be removed; invite another owner first"))
    if actor.id == target.id and len(target.user.memberships) <= 1:
        raise TeamError(_("you cannot leave your only workspace"))
