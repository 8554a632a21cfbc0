"""Endpoint health per webhook: success rate, latency percentiles, volume, failure streak."""

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.core.extensions import db
from app.delivery import rollups, streaks
from app.models import delivery_rollups
from app.models.base import utcnow
from app.observability.rollup_sums import latency_counts, rollup_sums

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


def histogram_percentile(counts, fraction):
    """The upper bound of the histogram bucket holding the nearest-rank percentile, or None when empty.

    counts is [(bound ms, attempts)] fastest first; attempts slower than every bound count as the last bound.
    """
    total = sum(count for _, count in counts)
    if not total:
        return None
    rank, seen = max(1, math.ceil(fraction * total)), 0
    for bound, count in counts:
        seen += count
        if seen >= rank:
            return bound
    return counts[-1][0]


def window_stats(webhook_id, now):
    """WindowStats for each of WINDOWS, from the webhook's hourly rollups (the current hour counts whole)."""
    current = rollups.hour_of(now)
    stats = []
    for label, span in WINDOWS:
        sums = rollup_sums(delivery_rollups.c.webhook_id == webhook_id,
                           delivery_rollups.c.hour > current - span)
        counts = latency_counts(sums)
        stats.append(WindowStats(label, sums["attempts"], sums["successes"], histogram_percentile(counts, 0.5),
                                 histogram_percentile(counts, 0.95)))
    return stats


def hourly_attempts(webhook_id, now=None, hours=24):
    """[(hour start, attempts, succeeded)] for the last hours, oldest first, the current hour last."""
    current = rollups.hour_of(now or utcnow())
    starts = [current - timedelta(hours=hours - 1 - index) for index in range(hours)]
    rows = db.session.execute(
        select(delivery_rollups.c.hour, delivery_rollups.c.attempts, delivery_rollups.c.successes)
        .where(delivery_rollups.c.webhook_id == webhook_id, delivery_rollups.c.hour >= starts[0])
    ).all()
    totals = {hour: (attempts, successes) for hour, attempts, successes in rows}
    return [(start, *totals.get(start, (0, 0))) for start in starts]


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
        hourly=hourly_attempts(webhook_id, now),
        consecutive_failures=failures,
        failing_since=first_failure,
        last_success_at=streaks.last_success_at(webhook_id),
    )
