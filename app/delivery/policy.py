"""What an attempt's outcome means: success, retry when, or give up."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


@dataclass
class Decision:
    """succeeded | retrying | failed, plus when to retry and whether to disable."""

    status: str
    retry_in: float | None = None
    disable_reason: str | None = None


def parse_retry_after(value, now=None):
    """Seconds from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def jittered(seconds, rng=random):
    """The schedule's delay with ±10% jitter, so retries do not arrive in herds."""
    return seconds * rng.uniform(0.9, 1.1)


def decide(outcome, attempt_number, schedule, rng=random):
    """Decide what follows attempt number attempt_number (1-based)."""
    status = outcome.status
    if status is not None and 200 <= status < 300:
        return Decision("succeeded")
    if status == 410:
        return Decision("failed", disable_reason="the endpoint answered 410 Gone")
    if attempt_number > len(schedule):
        return Decision("failed")
    delay = jittered(schedule[attempt_number - 1], rng)
    if status in (429, 503):
        asked = parse_retry_after(outcome.headers.get("retry-after"))
        if asked is not None:
            # honour the receiver, but never wait longer than our longest step
            delay = min(asked, max(schedule))
    return Decision("retrying", retry_in=delay)


def next_time(decision, now=None):
    now = now or datetime.now(UTC)
    return now + timedelta(seconds=decision.retry_in or 0)


def describe_status(outcome):
    """A plain-language summary of an HTTP answer that was not a success."""
    if outcome.error:
        return outcome.error
    if outcome.status is not None and 300 <= outcome.status < 400:
        location = outcome.headers.get("location", "")
        return f"HTTP {outcome.status} redirect (not followed){' to ' + location if location else ''}"
    return f"HTTP {outcome.status}"
