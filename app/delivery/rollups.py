"""Add a recorded batch of attempts to the hourly rollups: one upsert statement per batch."""

import bisect

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite

from app.core.extensions import db
from app.models.rollups import LATENCY_BOUNDS_MS, bucket_column, delivery_rollups

SUMMED = ("attempts", "successes", "duration_ms_sum", *(bucket_column(bound) for bound in LATENCY_BOUNDS_MS))


def hour_of(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


def is_success(response):
    status = (response or {}).get("status")
    return isinstance(status, int) and 200 <= status < 300


class Sums:
    """Rollup rows being summed: add attempts one by one, then take the rows."""

    def __init__(self):
        self._rows = {}

    def add(self, webhook_id, workspace_id, attempt):
        key = (webhook_id, hour_of(attempt["at"]))
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = {"webhook_id": webhook_id, "hour": key[1], "workspace_id": workspace_id,
                                     **dict.fromkeys(SUMMED, 0), "last_success_at": None}
        duration = attempt["duration_ms"] or 0
        row["attempts"] += 1
        if is_success(attempt["response"]):
            row["successes"] += 1
            row["last_success_at"] = max(filter(None, (row["last_success_at"], attempt["at"])))
        row["duration_ms_sum"] += duration
        index = bisect.bisect_left(LATENCY_BOUNDS_MS, duration)
        if index < len(LATENCY_BOUNDS_MS):
            row[bucket_column(LATENCY_BOUNDS_MS[index])] += 1

    def rows(self):
        """The rows in key order: the same in every worker, so two batches upserting the same rows
        on PostgreSQL lock them in the same order and never deadlock."""
        return [self._rows[key] for key in sorted(self._rows)]


def aggregate(outcomes):
    """[row] summing (webhook id, workspace id, attempt row) per webhook and hour, in key order."""
    sums = Sums()
    for outcome in outcomes:
        sums.add(*outcome)
    return sums.rows()


def add(outcomes):
    """Upsert the batch's sums into delivery_rollups in one statement (the caller commits)."""
    upsert(aggregate(outcomes))


def upsert(rows):
    """Add these summed rows to delivery_rollups, in one statement."""
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(delivery_rollups).values(rows)
    kept, added = delivery_rollups.c.last_success_at, statement.excluded.last_success_at
    statement = statement.on_conflict_do_update(
        index_elements=["webhook_id", "hour"],
        set_={
            **{name: delivery_rollups.c[name] + statement.excluded[name] for name in SUMMED},
            "last_success_at": case((added.is_(None), kept), (kept.is_(None), added), (added > kept, added),
                                    else_=kept),
        },
    )
    db.session.execute(statement)
