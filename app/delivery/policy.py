"""What an attempt's outcome means: success, retry when, or give up."""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from app.core.redaction import redact

JITTER = 0.10
# why a webhook was disabled, stored and given by the API as written here (the dashboard translates them)
GONE_REASON = "the endpoint answered 410 Gone"
STREAK_REASON = "failing continuously since {since:%Y-%m-%d %H:%M} UTC ({failures} failed attempts)"
RETRY_AFTER_STATUSES = (429, 503)
# a URL that can never be called will not get better by waiting; neither will an address the
# SSRF check refused at connect time (it stays refused until the URL or WEBHOOK_ALLOWED_NETWORKS changes)
FINAL_ERROR_CLASSES = ("invalid_url", "template", "blocked")
NOT_RETRIED = {
    "blocked": "not retried: this address may not be called; change the webhook URL or WEBHOOK_ALLOWED_NETWORKS",
}


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
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def jittered(seconds, rng=random):
    """The schedule's delay with ±10% jitter, so retries do not arrive in herds."""
    return seconds * rng.uniform(1 - JITTER, 1 + JITTER)


def retry_delay(outcome, attempt_number, schedule, rng=random, now=None):
    """Seconds to wait before the next attempt: the schedule's step, or the receiver's Retry-After."""
    delay = jittered(schedule[attempt_number - 1], rng)
    if outcome.status in RETRY_AFTER_STATUSES:
        asked = parse_retry_after((outcome.headers or {}).get("retry-after"), now)
        if asked is not None:
            # honour the receiver, but never wait longer than the schedule's longest step
            delay = min(asked, max(schedule))
    return delay


def decide(outcome, attempt_number, schedule, rng=random, now=None):
    """Decide what follows attempt number attempt_number (1-based)."""
    status = outcome.status
    if status is not None and 200 <= status < 300:
        return Decision("succeeded")
    if status == 410 and outcome.via is None:  # a 410 from the user's own machine (listen) is no endpoint gone
        return Decision("failed", disable_reason=GONE_REASON)
    if outcome.error_class in FINAL_ERROR_CLASSES or attempt_number > len(schedule):
        return Decision("failed")
    return Decision("retrying", retry_in=retry_delay(outcome, attempt_number, schedule, rng, now))


def next_time(decision, now=None):
    """When the next attempt is due."""
    now = now or datetime.now(UTC)
    return now + timedelta(seconds=decision.retry_in or 0)


def describe_status(outcome):
    """A plain-language summary of an HTTP answer that was not a success, credentials masked."""
    if outcome.error:
        why = NOT_RETRIED.get(outcome.error_class)
        return redact(outcome.error) + (f" ({why})" if why else "")
    if outcome.status is not None and 300 <= outcome.status < 400:
        location = redact((outcome.headers or {}).get("location", ""))
        return f"HTTP {outcome.status} redirect (not followed){' to ' + location if location else ''}"
    if outcome.status == 410:
        return "HTTP 410 Gone: the webhook was disabled"
    return f"HTTP {outcome.status}"


def streak_disable_reason(first_failure, failures, window_seconds, now=None):
    """Why to disable a webhook failing continuously since first_failure for the whole window, else None."""
    now = now or datetime.now(UTC)
    if first_failure is None or now - first_failure < timedelta(seconds=window_seconds):
        return None
    return STREAK_REASON.format(since=first_failure, failures=failures)
