"""Delivery outcomes per webhook per hour, added to as attempts are recorded.

The health page, its chart and /metrics read these rows instead of the attempts, so they
cost the same however many attempts are stored, and purging old attempts changes nothing here.
"""

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Table

from app.core.extensions import db
from app.models.base import UTCDateTime

# upper bounds (ms) of the latency histogram: Prometheus's buckets, plus finer ones for percentiles
LATENCY_BOUNDS_MS = (
    10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000,
    7500, 10000, 15000, 20000, 30000,
)


def bucket_column(bound):
    """The column counting attempts that took more than the previous bound and at most this one."""
    return f"le_{bound}"


def _counter(name):
    return Column(name, Integer, nullable=False, default=0, server_default="0")


delivery_rollups = Table(
    "delivery_rollups", db.metadata,
    Column("webhook_id", String(32), ForeignKey("webhooks.id", ondelete="CASCADE"), primary_key=True),
    Column("hour", UTCDateTime(), primary_key=True),
    Column("workspace_id", String(32), ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True),
    _counter("attempts"),
    _counter("successes"),  # attempts answered 2xx
    Column("duration_ms_sum", BigInteger, nullable=False, default=0, server_default="0"),
    *[_counter(bucket_column(bound)) for bound in LATENCY_BOUNDS_MS],  # slower than the last: attempts - sum
    Column("last_success_at", UTCDateTime(), nullable=True),  # the hour's latest 2xx answer (None: none)
)

