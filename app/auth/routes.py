"""Sign up, log in, log out."""

import logging

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from app.auth import bp
from app.auth.credentials import user_with_password
from app.auth.emails import normalize_email
from app.auth.forms import LoginForm, SignupForm
from app.auth.language import cookie_language
from app.auth.signup import read_signup_token, start_signup
from app.auth.workspaces import create_user
from app.core.extensions import db, limiter
from app.core.forms import ConfirmForm
from app.core.redirects import local_path
from app.models import User

log = logging.getLogger(__name__)



def _too_many_logins():
    return _("Too many failed log-in attempts. Wait a few minutes and try again, or reset your password.")


def _login_account_key():
    return "login-account:" + (request.form.get("email") or "").strip().lower()


def _failed(response):
    """Only failed log-ins count towards the throttle."""
    return response.status_code != 302


def _safe_next(target):
    """Only same-site paths, so ?next= cannot send a user elsewhere."""
    return local_path(target) or url_for("dashboard.forms_index")


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("5/minute;30/hour", key_func=get_remote_address, methods=["POST"])
def signup():
    """Ask for an account: a link to finish is mailed; the answer never says whether one exists."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.forms_index"))
    form = SignupForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        workspace_name = (form.workspace.data or "").strip() or None
        if not start_signup(email, form.password.data, workspace_name, form.timezone.data):
            log.error("could not send a sign-up mail")  # the same answer: no probing by mail failures
        flash(_("We have emailed %(email)s a link to finish creating your account.", email=email), "info")
        return redirect(url_for("auth.signup_sent"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/signup/sent")
def signup_sent():
    """Tell the visitor to open the emailed link."""
    return render_template("auth/signup_sent.html")


def _account_exists():
    flash(_("Your account already exists. Log in."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def signup_confirm(token):
    """Finish a sign-up from its emailed link: one click creates the account and logs in."""
    pending = read_signup_token(token)
    if pending is None:
        abort(404, _("This sign-up link has expired or is not valid. Sign up again to get a new one."))
    if db.session.scalar(db.select(User.id).where(User.email == pending["email"])) is not None:
        return _account_exists()
    if not ConfirmForm().validate_on_submit():
        return render_template("auth/signup_confirm.html", pending=pending, confirm=ConfirmForm())
    user, workspace = create_user(pending["email"], None, None, password_hash=pending["password_hash"])
    workspace.name = pending["workspace"] or workspace.name
    workspace.timezone = pending["timezone"]
    user.language = cookie_language()  # picked in the switcher before signing up
    try:
        db.session.commit()
    except IntegrityError:  # the same link, opened twice at once
        db.session.rollback()
        return _account_exists()
    session.clear()
    login_user(user)
    session["workspace_id"] = workspace.id
    flash(_("Welcome to Formhook! Create your first form."), "success")
    return redirect(url_for("dashboard.forms_index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_login_account_key, methods=["POST"],
    deduct_when=_failed, error_message=_too_many_logins,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], key_func=get_remote_address, methods=["POST"],
    deduct_when=_failed, error_message=_too_many_logins,
)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.forms_index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_with_password(normalize_email(form.email.data), form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            flash(_("Logged in."), "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("email or password is wrong"))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and end the session on the server too, so a copied cookie stops working."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Logged out."), "info")
    return redirect(url_for("auth.login"))
