"""Sign-up by emailed link: the answer to a sign-up is the same whether or not the address has an account.

The link carries what was typed (the password only as its hash, encrypted) in a signed,
expiring token, so nothing is stored until the address's owner opens it.
"""

import json

from cryptography.fernet import InvalidToken
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from app.core import crypto
from app.core.extensions import db
from app.core.i18n import recipient_locale
from app.core.timezones import clean_zone
from app.models import User
from app.services.mail import send_mail

SIGNUP_LINK_TTL = 24 * 3600
SALT = "formhook-signup"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def signup_token(email, password_hash, workspace_name, timezone=None):
    secret = crypto.encrypt(json.dumps({"password_hash": password_hash}))
    return _serializer().dumps({"email": email, "workspace": workspace_name, "timezone": timezone, "secret": secret})


def read_signup_token(token):
    """The sign-up a link stands for ({email, workspace, timezone, password_hash}), or None when bad or expired."""
    try:
        data = _serializer().loads(token, max_age=SIGNUP_LINK_TTL)
        secret = json.loads(crypto.decrypt(data["secret"]))
    except (BadSignature, InvalidToken, ValueError, KeyError, TypeError):
        return None
    return {"email": data["email"], "workspace": data.get("workspace") or None,
            "timezone": clean_zone(data.get("timezone")), "password_hash": secret["password_hash"]}


def _link(endpoint, **values):
    # from BASE_URL, never the request's Host header
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def start_signup(email, password, workspace_name, timezone=None):
    """Mail a link that finishes the sign-up, or, when the address has an account, tell its owner.

    Both ways hash the password and send one mail, so neither the answer nor its cost differs.
    Returns whether the mail left.
    """
    password_hash = generate_password_hash(password)
    account = db.session.scalar(db.select(User).where(User.email == email))
    if account is not None:
        with force_locale(recipient_locale(account)):  # the account owner's language, not the visitor's
            return send_mail([email], _("Someone tried to sign up with your address on Formhook"), _(
                "Someone, perhaps you, tried to create a Formhook account with this address, which already "
                "has one. Nothing was changed.\n\nTo get in, log in:\n%(login)s\n\nForgot your password? "
                "Choose a new one:\n%(forgot)s\n\nIf it was not you, ignore this message.\n",
                login=_link("auth.login"), forgot=_link("auth.password_forgot"),
            ))
    token = signup_token(email, password_hash, workspace_name, clean_zone(timezone))
    link = _link("auth.signup_confirm", token=token)
    return send_mail([email], _("Finish creating your Formhook account"), _(
        "Open this link to finish creating your Formhook account (it works for 24 hours):\n%(link)s\n\n"
        "If you did not sign up, ignore this message; no account is created.\n", link=link,
    ))
