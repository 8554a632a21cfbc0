"""Sums over the hourly delivery rollups: what the health page and /metrics read."""

from sqlalchemy import func, select

from app.core.extensions import db
from app.delivery.rollups import SUMMED
from app.models import delivery_rollups
from app.models.rollups import LATENCY_BOUNDS_MS, bucket_column


def rollup_sums(*conditions):
    """{summed column: total} over the rollup rows matching conditions (zeros when none)."""
    columns = [func.coalesce(func.sum(delivery_rollups.c[name]), 0) for name in SUMMED]
    row = db.session.execute(select(*columns).where(*conditions)).one()
    return {name: int(value) for name, value in zip(SUMMED, row, strict=True)}


def latency_counts(sums):
    """[(bound ms, attempts)] per histogram bucket, fastest first; the slowest ones under the last bound."""
    counts = [(bound, sums[bucket_column(bound)]) for bound in LATENCY_BOUNDS_MS]
    slower = sums["attempts"] - sum(count for _, count in counts)
    counts[-1] = (LATENCY_BOUNDS_MS[-1], counts[-1][1] + slower)
    return counts
