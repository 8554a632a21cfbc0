"""Per-key rate limit (API_RATE_LIMIT) on Redis, with RateLimit-* headers on every answer."""

import hashlib
import time

from flask import current_app, request

from app.api import bp
from app.api.auth import bearer_token
from app.core.extensions import limiter


def rate_limit_key():
    """One bucket per API key (by its hash, so no database read), else per client address."""
    token = bearer_token()
    if token:
        return "api-key:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return "api-anon:" + (request.remote_addr or "unknown")


def api_rate_limit():
    return current_app.config["API_RATE_LIMIT"]


# One shared bucket per key across every operation, not one per route.
limiter.shared_limit(api_rate_limit, scope="api-v1", key_func=rate_limit_key)(bp)


@bp.after_request
def add_rate_limit_headers(response):
    """The IETF RateLimit header fields: limit, remaining, seconds until the window resets."""
    current = limiter.current_limit
    if current is not None:
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(current.remaining)
        response.headers["RateLimit-Reset"] = str(max(0, int(current.reset_at - time.time())))
    return response
