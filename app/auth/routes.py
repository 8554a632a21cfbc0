"""Sign up, log in, log out."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.credentials import user_with_password
from app.auth.emails import normalize_email
from app.auth.forms import LoginForm, SignupForm
from app.auth.workspaces import create_user
from app.extensions import db, limiter
from app.models import User
from app.redirects import local_path

TOO_MANY_LOGINS = "Too many failed log-in attempts. Wait a few minutes and try again, or reset your password."


def _login_account_key():
    return "login-account:" + (request.form.get("email") or "").strip().lower()


def _failed(response):
    """Only failed log-ins count towards the throttle."""
    return response.status_code != 302


def _safe_next(target):
    """Only same-site paths, so ?next= cannot send a user elsewhere."""
    return local_path(target) or url_for("dashboard.forms_index")


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Create an account and its first workspace."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.forms_index"))
    form = SignupForm()
    if form.validate_on_submit():
        email = normalize_email(form.email.data)
        if db.session.scalar(db.select(User).where(User.email == email)):
            form.email.errors.append("an account with this email already exists")
        else:
            user, workspace = create_user(email, form.password.data, None)
            workspace.name = form.workspace.data or workspace.name
            db.session.commit()
            login_user(user)
            session["workspace_id"] = workspace.id
            flash("Welcome to Formhook! Create your first form.", "success")
            return redirect(url_for("dashboard.forms_index"))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_login_account_key, methods=["POST"],
    deduct_when=_failed, error_message=TOO_MANY_LOGINS,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], key_func=get_remote_address, methods=["POST"],
    deduct_when=_failed, error_message=TOO_MANY_LOGINS,
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
            flash("Logged in.", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("email or password is wrong")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and end the session on the server too, so a copied cookie stops working."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash("Logged out.", "info")
    return redirect(url_for("auth.login"))
