"""REST API v1 (CONTRACT.md §4): JSON, bearer API keys, scoped to the key's workspace."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The OpenAPI document and its human page need no key and count against no key's limit.
docs_bp = Blueprint("api_docs", __name__)

from app.api import (  # noqa: E402,F401
    auth,
    deliveries,
    docs,
    erasure,
    forms,
    listen,
    ratelimit,
    submissions,
    webhook_presets,
    webhooks,
)
