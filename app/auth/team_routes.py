"""Teams: members and invitations of the current workspace, accepting an invite, switching workspace."""

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from wtforms import SelectChoice

from app.auth import bp
from app.auth.emails import normalize_email
from app.auth.team import (
    TeamError,
    accept,
    can_manage,
    check_removal,
    invitable_roles,
    open_invitation,
    remove_membership,
    role_label,
)
from app.auth.team_forms import ROLE_LABELS, AcceptSignupForm, InviteForm, SwitchWorkspaceForm
from app.auth.workspaces import current_membership, current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.i18n import recipient_locale
from app.core.tenancy import get_scoped_or_404, scoped
from app.models import Invitation, Membership, User
from app.services.mail import send_mail


def _invite_form(membership, formdata=None):
    form = InviteForm() if formdata is None else InviteForm(formdata=formdata)
    form.role.choices = [SelectChoice(role, ROLE_LABELS[role]) for role in invitable_roles(membership)]
    return form


def _render_members(invite_form=None, status=200):
    membership = current_membership()
    workspace_id = current_workspace_id()
    members = db.session.scalars(scoped(Membership, workspace_id).order_by(Membership.created_at)).all()
    pending = db.session.scalars(
        scoped(Invitation, workspace_id).where(Invitation.accepted_at.is_(None)).order_by(Invitation.created_at)
    ).all()
    return render_template(
        "auth/members.html", membership=membership, members=members,
        pending=[invitation for invitation in pending if invitation.is_open()],
        invite_form=invite_form or (_invite_form(membership, formdata=None) if can_manage(membership) else None),
        can_manage=can_manage(membership), can_leave=_may_remove(membership, membership), confirm=ConfirmForm(),
    ), status


def _may_remove(actor, target):
    try:
        check_removal(actor, target)
    except TeamError:
        return False
    return True


@bp.route("/workspace/members")
@login_required
def members():
    """List the workspace's members and open invitations."""
    return _render_members()


def _mail_invitation(email, workspace_name, inviter, role, link, account=None):
    """Mail the invitation link; False when mail could not be sent (the inviter still sees the link).

    In the invitee's language when they have an account, else in the inviter's.
    """
    with force_locale(recipient_locale(account)):
        body = _(
            "%(inviter)s invited you to join the workspace “%(workspace)s” on Formhook as %(role)s.\n\n"
            "Accept the invitation (single use, valid 7 days):\n%(link)s\n",
            inviter=inviter, workspace=workspace_name, role=role_label(role), link=link,
        )
        return send_mail([email], _("Join %(workspace)s on Formhook", workspace=workspace_name), body)


@bp.route("/workspace/invitations", methods=["POST"])
@login_required
def invite():
    """Invite someone by email: the single-use link is mailed to them and shown to the inviter."""
    membership = current_membership()
    if not can_manage(membership):
        abort(403)
    form = _invite_form(membership)
    if not form.validate_on_submit():
        return _render_members(form, 422)
    email = normalize_email(form.email.data)
    existing = db.session.scalar(db.select(User).where(User.email == email))
    if existing is not None and existing.membership_in(membership.workspace_id):
        form.email.errors.append(_("is already a member of this workspace"))
        return _render_members(form, 422)
    invitation, token = Invitation.issue(membership.workspace_id, email, form.role.data, current_user.id)
    db.session.add(invitation)
    db.session.commit()
    # from BASE_URL, never the request's Host header, which the requester controls
    link = current_app.config["BASE_URL"] + url_for("auth.accept_invitation", token=token)
    mailed = _mail_invitation(email, membership.workspace.name, current_user.email, invitation.role, link, existing)
    if mailed:
        text = _("Invitation emailed to %(email)s as %(role)s. You can also send them this link "
                 "(single use, valid 7 days): %(link)s", email=email, role=role_label(invitation.role), link=link)
    else:
        text = _("Invitation created for %(email)s as %(role)s. You can also send them this link "
                 "(single use, valid 7 days): %(link)s", email=email, role=role_label(invitation.role), link=link)
    flash(text, "success")
    return redirect(url_for("auth.members"))


@bp.route("/workspace/invitations/<invitation_id>/revoke", methods=["POST"])
@login_required
def revoke_invitation(invitation_id):
    """Delete an open invitation so its link stops working."""
    if not can_manage(current_membership()):
        abort(403)
    invitation = get_scoped_or_404(Invitation, invitation_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(invitation)
    db.session.commit()
    flash(_("Invitation for %(email)s revoked.", email=invitation.email), "info")
    return redirect(url_for("auth.members"))


@bp.route("/workspace/members/<membership_id>/remove", methods=["POST"])
@login_required
def remove_member(membership_id):
    """Remove a member (owners and admins), or leave the workspace yourself."""
    actor = current_membership()
    target = get_scoped_or_404(Membership, membership_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        check_removal(actor, target)
    except TeamError as exc:
        flash(_("Not removed: %(reason)s.", reason=exc), "error")
        return redirect(url_for("auth.members"))
    leaving = target.id == actor.id
    email = target.user.email
    remove_membership(target)
    db.session.commit()
    if leaving:
        session.pop("workspace_id", None)
        flash(_("You left the workspace."), "info")
        return redirect(url_for("dashboard.forms_index"))
    flash(_("%(email)s was removed from the workspace.", email=email), "info")
    return redirect(url_for("auth.members"))


@bp.route("/workspace/switch", methods=["POST"])
@login_required
def switch_workspace():
    """Make another of the user's workspaces the current one."""
    form = SwitchWorkspaceForm()
    if not form.validate_on_submit():
        abort(400)
    membership = current_user.membership_in(form.workspace_id.data)
    if membership is None:
        abort(404)
    session["workspace_id"] = membership.workspace_id
    g.pop("membership", None)
    flash(_("Switched to %(workspace)s.", workspace=membership.workspace.name), "info")
    return redirect(url_for("dashboard.forms_index"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Join a workspace from an invitation link: sign up, or log in, then accept."""
    invitation = open_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    signup = AcceptSignupForm()
    account = db.session.scalar(db.select(User).where(User.email == invitation.email))
    if current_user.is_authenticated:
        if current_user.email != invitation.email:
            return render_template("auth/invitation.html", invitation=invitation, mismatch=True), 403
        if request.method == "POST" and ConfirmForm().validate_on_submit():
            return _joined(invitation, current_user)
    elif account is None and signup.validate_on_submit():
        user = User(email=invitation.email)
        user.set_password(signup.password.data)
        db.session.add(user)
        db.session.flush()  # the id is assigned on insert, and login_user stores it
        login_user(user)
        return _joined(invitation, user)
    status = 422 if signup.errors else 200
    return render_template("auth/invitation.html", invitation=invitation, account=account, signup=signup,
                           confirm=ConfirmForm(), mismatch=False), status


def _joined(invitation, user):
    membership = accept(invitation, user)
    db.session.commit()
    session["workspace_id"] = membership.workspace_id
    g.pop("membership", None)
    flash(_("Welcome to %(workspace)s!", workspace=invitation.workspace.name), "success")
    return redirect(url_for("dashboard.forms_index"))
