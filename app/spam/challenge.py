"""The ALTCHA proof-of-work: a signed challenge per page, verified once (replays are refused)."""

import hashlib
import logging
import secrets
import time

import altcha
import redis
from flask import current_app

from app.spam.keys import derived_key

log = logging.getLogger(__name__)
ALGORITHM = "PBKDF2/SHA-256"
FIELD_NAME = "_altcha"  # field keys start with a letter, so no answer can take this name
MAX_PAYLOAD = 4096
REPLAY_PREFIX = "spam:altcha:"


def new_challenge(public_id):
    """A challenge for the form public_id, as the widget reads it (JSON-ready dict).

    Deterministic mode: the counter is chosen here, so every visitor does about the same work,
    and the derived key is signed, so verifying costs one HMAC instead of the visitor's work.
    """
    config = current_app.config
    spread = max(config["ALTCHA_MAX_COUNTER"] // 2, 1)
    challenge = altcha.create_challenge(
        algorithm=ALGORITHM,
        cost=config["ALTCHA_COST"],
        counter=spread + secrets.randbelow(spread),
        expires_at=int(time.time() + config["ALTCHA_EXPIRES"]),
        data={"form": public_id},
        hmac_secret=derived_key("altcha"),
        hmac_key_secret=derived_key("altcha-key"),
    )
    return challenge.to_dict()


class Verdict:
    """What the posted solution proved: ok, or the reason code; issued_at when it was readable."""

    def __init__(self, reason=None, issued_at=None):
        self.reason = reason
        self.issued_at = issued_at

    @property
    def ok(self):
        return self.reason is None


def verify(payload, public_id):
    """Check a posted payload for the form public_id and spend it, so it cannot be used again."""
    if not payload:
        return Verdict("challenge_missing")
    if len(payload) > MAX_PAYLOAD:
        return Verdict("challenge_invalid")
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError, RecursionError):
        return Verdict("challenge_invalid")
    parameters = parsed.challenge.parameters
    issued_at = _issued_at(parameters)
    result = altcha.verify_solution(parsed, derived_key("altcha"), hmac_key_secret=derived_key("altcha-key"))
    if result.expired:
        return Verdict("challenge_expired", issued_at)
    # the form is inside the signed parameters: a challenge of another form is refused here
    if not result.verified or (parameters.data or {}).get("form") != public_id:
        return Verdict("challenge_invalid", issued_at)
    if not _spend(parsed.challenge.signature, parameters.expires_at):
        return Verdict("challenge_replayed", issued_at)
    return Verdict(None, issued_at)


def _issued_at(parameters):
    expires_at = parameters.expires_at
    if not isinstance(expires_at, int | float):
        return None
    return expires_at - current_app.config["ALTCHA_EXPIRES"]


def _spend(signature, expires_at):
    """True the first time a challenge is used; kept in Redis until the challenge expires anyway."""
    key = REPLAY_PREFIX + hashlib.sha256(str(signature).encode()).hexdigest()
    ttl = max(int((expires_at or 0) - time.time()), 1)
    try:
        return bool(current_app.redis.set(key, 1, nx=True, ex=ttl))
    except redis.RedisError as exc:
        # a lost Redis must not turn every visitor away: the solution itself was checked
        log.warning("altcha replay check skipped, Redis unavailable: %s", exc)
        return True
