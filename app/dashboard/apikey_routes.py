"""Settings → API keys: create (the key is shown once), list and revoke the workspace's keys."""

import json

from cryptography.fernet import InvalidToken
from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.auth.team import can_manage
from app.auth.workspaces import current_membership, current_workspace_id
from app.core.crypto import decrypt, encrypt
from app.core.extensions import db
from app.core.forms import ConfirmForm, TranslatedForm
from app.core.tenancy import get_scoped_or_404, scoped
from app.dashboard import bp
from app.delivery import listen_sessions
from app.models import ApiKey
from app.models.base import utcnow

NEW_KEY_SESSION = "new_api_key"  # the just-created key, encrypted, until the page after the redirect shows it


class ApiKeyForm(TranslatedForm):
    name = StringField(lazy_gettext("Key name"), validators=[DataRequired(), Length(max=120)],
                       description=lazy_gettext("Say where it is used, e.g. “CRM sync”."))


def may_revoke(key):
    """A key gives its holder a member's powers: members revoke their own, owners and admins any."""
    return key.user_id == current_user.id or can_manage(current_membership())


def _render(key_form, new_key=None, status=200):
    keys = db.session.scalars(scoped(ApiKey, current_workspace_id()).order_by(ApiKey.created_at.desc())).all()
    return render_template(
        "dashboard/apikeys.html", keys=keys, key_form=key_form, new_key=new_key, confirm=ConfirmForm(),
        may_revoke=may_revoke,
    ), status


@bp.route("/settings/api-keys", methods=["GET"])
@login_required
def api_keys():
    """List the workspace's API keys; right after creating one, show it this once."""
    return _render(ApiKeyForm(formdata=None), new_key=_pop_new_key())


def _pop_new_key():
    """The key created by the last POST, once: a reload (or another tab) finds nothing."""
    sealed = session.pop(NEW_KEY_SESSION, None)
    if not sealed:
        return None
    try:
        return json.loads(decrypt(sealed))
    except (InvalidToken, ValueError):  # sealed with a key since rotated away: show nothing rather than fail
        return None


@bp.route("/settings/api-keys", methods=["POST"])
@login_required
def api_key_create():
    """Create a key and show it this once; only its hash is kept."""
    key_form = ApiKeyForm()
    if not key_form.validate_on_submit():
        return _render(key_form, status=422)
    key, plaintext = ApiKey.generate(current_workspace_id(), current_user.id, key_form.name.data.strip())
    db.session.add(key)
    db.session.commit()
    # POST-redirect-GET, so reloading the page creates nothing; the key rides in the session only encrypted
    session[NEW_KEY_SESSION] = encrypt(json.dumps({"name": key.name, "plaintext": plaintext}))
    return redirect(url_for("dashboard.api_keys") + "#new-api-key", code=303)


@bp.route("/settings/api-keys/<key_id>/revoke", methods=["POST"])
@login_required
def api_key_revoke(key_id):
    """Revoke a key (your own, or any as owner or admin): requests with it get 401 from now on."""
    key = get_scoped_or_404(ApiKey, key_id, current_workspace_id())
    if not may_revoke(key):
        abort(403)
    if ConfirmForm().validate_on_submit() and key.revoked_at is None:
        key.revoked_at = utcnow()
        db.session.commit()
        listen_sessions.end_sessions_of_keys(current_app.redis, [key.id])  # its listen streams stop now
        flash(_("API key “%(name)s” revoked.", name=key.name), "success")
    return redirect(url_for("dashboard.api_keys"))
