"""Forgotten passwords: an emailed link with a single-use token that expires."""

import logging
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from sqlalchemy import select, update

from app.auth import bp
from app.auth.emails import normalize_email
from app.auth.forms import ForgotPasswordForm, ResetPasswordForm
from app.core.extensions import db, limiter
from app.core.i18n import recipient_locale
from app.models import PasswordResetToken, User
from app.models.base import utcnow
from app.models.password_resets import hash_reset_token
from app.services.mail import send_mail

log = logging.getLogger(__name__)
SENT_MESSAGE = lazy_gettext(
    "If an account exists for that address, we have emailed it a link to choose a new password."
)


def _email_reset_link(user):
    ttl = timedelta(seconds=current_app.config["PASSWORD_RESET_TTL"])
    row, token = PasswordResetToken.issue(user, ttl)
    db.session.add(row)
    db.session.commit()
    link = current_app.config["BASE_URL"] + url_for("auth.password_reset", token=token)
    minutes = int(ttl.total_seconds() // 60)
    with force_locale(recipient_locale(user)):
        return send_mail(
            [user.email], _("Reset your Formhook password"),
            _("Someone asked to reset the password of your Formhook account.\n\n"
              "Choose a new password here (the link works once, for %(minutes)d minutes):\n%(link)s\n\n"
              "If it was not you, ignore this message; your password stays as it is.\n", minutes=minutes, link=link),
        )


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5/minute;30/hour", key_func=get_remote_address, methods=["POST"])
def password_forgot():
    """Email a reset link; the answer is the same whether the account exists or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == normalize_email(form.email.data)))
        if user is not None and not _email_reset_link(user):
            # the mail server is down: say the same (no account probing), keep the cause for the operator
            log.error("could not send a password reset mail")
        flash(str(SENT_MESSAGE), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/password_forgot.html", form=form), 422 if form.errors else 200


def _usable_token_or_404(token):
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_reset_token(token)))
    if row is None or not row.usable():
        abort(404, _("This reset link has expired or was already used. Ask for a new one."))
    return row


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def password_reset(token):
    """Choose a new password with a valid link; every session and every other link ends."""
    row = _usable_token_or_404(token)
    form = ResetPasswordForm(row.user.email)
    if form.validate_on_submit():
        now = utcnow()
        db.session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
        )
        row.user.set_password(form.password.data)
        db.session.commit()
        flash(_("Your password was changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/password_reset.html", form=form), 422 if form.errors else 200
