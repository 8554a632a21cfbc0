"""Flask-Limiter's answers: Retry-After on a refusal, without its per-answer headers."""

import time

from app.core.extensions import limiter


def add_retry_after(response):
    """A request refused by a rate limit says when to retry.

    The limiter's own X-RateLimit-* headers are off (RATELIMIT_HEADERS_ENABLED): they cost
    two more Redis reads on every limited answer, hosted-form posts included. The API adds
    its RateLimit-* headers itself (app/api/ratelimit.py).
    """
    current = limiter.current_limit
    if response.status_code == 429 and "Retry-After" not in response.headers and current is not None:
        response.headers["Retry-After"] = str(max(1, int(current.reset_at - time.time())))
    return response


def init_app(app):
    app.after_request(add_retry_after)
