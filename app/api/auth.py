"""Bearer API keys: every API request is scoped to its key's workspace."""

from functools import wraps

from flask import g, request
from sqlalchemy import select

from app.errors import ApiError
from app.extensions import db
from app.models import ApiKey
from app.models.accounts import hash_api_key
from app.models.base import utcnow


def authenticate():
    """Return the ApiKey of the request's bearer token, or raise 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "send an API key as 'Authorization: Bearer <key>'")
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_api_key(token.strip())))
    if key is None or key.revoked_at is not None:
        raise ApiError(401, "the API key is not valid")
    key.last_used_at = utcnow()
    return key


def api_key_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.api_key = authenticate()
        g.workspace_id = g.api_key.workspace_id
        return view(*args, **kwargs)

    return wrapper
