"""Endpoint health per webhook: success rate, latency percentiles, volume, failure streak."""

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, select

from app.core.extensions import db
from app.delivery import streaks
from app.models import Attempt, Delivery
from app.models.base import utcnow

WINDOWS = (("24 h", timedelta(hours=24)), ("7 d", timedelta(days=7)))


@dataclass
class WindowStats:
    label: str
    attempts: int
    successes: int
    p50_ms: int | None
    p95_ms: int | None

    @property
    def success_rate(self):
        """Percent of attempts answered 2xx, or None without attempts."""
        return None if not self.attempts else round(100 * self.successes / self.attempts, 1)


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list, or None when empty."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def window_stats(webhook_id, now):
    """WindowStats for each of WINDOWS, from one query over the longest window."""
    longest = max(span for _, span in WINDOWS)
    in_window = [case((Attempt.at >= now - span, 1), else_=0) for _, span in WINDOWS]
    rows = db.session.execute(
        select(Attempt.duration_ms, Attempt.response["status"].as_integer(), *in_window)
        .join(Delivery, Attempt.delivery_id == Delivery.id)
        .where(Delivery.webhook_id == webhook_id, Attempt.at >= now - longest)
    ).all()
    stats = []
    for index, (label, _) in enumerate(WINDOWS):
        chosen = [(duration, status) for duration, status, *flags in rows if flags[index]]
        durations = sorted(duration for duration, _ in chosen)
        successes = sum(1 for _, status in chosen if status is not None and 200 <= status < 300)
        stats.append(WindowStats(label, len(chosen), successes, percentile(durations, 0.5),
                                 percentile(durations, 0.95)))
    return stats


def hourly_deliveries(webhook_id, now=None, hours=24):
    """[(hour start, total, succeeded)] for the last hours, oldest first, the current hour last."""
    now = now or utcnow()
    current = now.replace(minute=0, second=0, microsecond=0)
    starts = [current - timedelta(hours=hours - 1 - index) for index in range(hours)]
    rows = db.session.execute(
        select(Delivery.created_at, Delivery.status)
        .where(Delivery.webhook_id == webhook_id, Delivery.created_at >= starts[0])
    ).all()
    totals = {start: [0, 0] for start in starts}
    for created_at, status in rows:
        bucket = totals.get(created_at.replace(minute=0, second=0, microsecond=0))
        if bucket is not None:
            bucket[0] += 1
            bucket[1] += status == "succeeded"
    return [(start, *totals[start]) for start in starts]


@dataclass
class EndpointHealth:
    windows: list
    hourly: list
    consecutive_failures: int
    failing_since: object
    last_success_at: object


def endpoint_health(webhook_id, now=None):
    """Everything the health page shows for one webhook."""
    now = now or utcnow()
    first_failure, failures = streaks.failure_streak(webhook_id)
    return EndpointHealth(
        windows=window_stats(webhook_id, now),
        hourly=hourly_deliveries(webhook_id, now),
        consecutive_failures=failures,
        failing_since=first_failure,
        last_success_at=streaks.last_success_at(webhook_id),
    )
