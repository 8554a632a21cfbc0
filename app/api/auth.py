"""Bearer API keys: every API request is scoped to its key's workspace."""

from datetime import timedelta

from flask import g, request
from sqlalchemy import select

from app.api import bp
from app.core.errors import ApiError
from app.core.extensions import csrf, db
from app.models import ApiKey, Membership
from app.models.accounts import API_KEY_ROLES, hash_api_key
from app.models.base import utcnow

# Writing last_used_at on every request would make each read a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)

csrf.exempt(bp)


def bearer_token():
    """The token of an 'Authorization: Bearer <token>' header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _acting_key(token):
    """The key of token, only while its creator is a member of its workspace in a role that may use it.

    Checked on every request, so a key whose creator left (or whose revocation failed) never acts.
    """
    creator_membership = (Membership.user_id == ApiKey.user_id) & (Membership.workspace_id == ApiKey.workspace_id)
    return (
        select(ApiKey).join(Membership, creator_membership)
        .where(ApiKey.key_hash == hash_api_key(token), Membership.role.in_(API_KEY_ROLES))
    )


def authenticate():
    """Return the ApiKey of the request's bearer token, or raise 401."""
    token = bearer_token()
    if token is None:
        raise ApiError(401, "send an API key as 'Authorization: Bearer <key>'")
    key = db.session.scalar(_acting_key(token))
    if key is None or key.revoked_at is not None:
        raise ApiError(401, "the API key is not valid or was revoked")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        key.last_used_at = now
        db.session.commit()
    return key


@bp.before_request
def require_api_key():
    """Authenticate before any view runs; the key decides the workspace."""
    g.api_key = authenticate()
    g.workspace_id = g.api_key.workspace_id
