"""Rollups and retention over a seeded year: `python -m bench.rollups --database-url URL`.

Run it on a database bench.seed_big filled (it sums the rollups as the worker would). Prints,
from one run: the health page's figures and the /metrics histogram read from the rollups beside
the same figures computed from the attempts (what those pages did before the rollups), and the
first batches of a retention purge (each one short transaction). The purge deletes for real:
use a database made for the bench.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

from sqlalchemy import case, func, select

from app.core.extensions import db
from app.models import Attempt, Delivery, Webhook, delivery_rollups
from app.models.base import utcnow
from app.observability import health
from app.observability.metrics import LATENCY_BUCKETS_MS
from app.observability.rollup_sums import rollup_sums
from app.services import retention

RUNS = 5
PURGE_BATCHES = 120


def attempts_windows(webhook_id, now):
    """Baseline: every attempt of the last 7 days read back to count and sort the windows' durations."""
    rows = db.session.execute(
        select(Attempt.at, Attempt.duration_ms, Attempt.response["status"].as_integer())
        .join(Delivery, Attempt.delivery_id == Delivery.id)
        .where(Delivery.webhook_id == webhook_id, Attempt.at >= now - timedelta(days=7))
    ).all()
    return [sorted(duration for at, duration, _ in rows if at >= now - span) for _, span in health.WINDOWS]


def attempts_histogram():
    """Baseline: the latency histogram summed over every stored attempt."""
    columns = [func.sum(case((Attempt.duration_ms <= limit, 1), else_=0)) for limit in LATENCY_BUCKETS_MS]
    return db.session.execute(select(func.count(Attempt.id), func.sum(Attempt.duration_ms), *columns)).one()


def median_ms(work):
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def compare_reads(webhook_id):
    now = utcnow()
    pairs = (
        ("health windows (24 h, 7 d)", lambda: attempts_windows(webhook_id, now),
         lambda: health.window_stats(webhook_id, now)),
        ("/metrics latency histogram", attempts_histogram, rollup_sums),
    )
    for name, baseline, rolled_up in pairs:
        before, after = median_ms(baseline), median_ms(rolled_up)
        print(f"  {name}: rollups {after:.1f} ms, from attempts {before:.1f} ms ({before / after:.0f}x)")
    counted, summed = attempts_histogram()[0], rollup_sums()["attempts"]
    print(f"  attempts counted {counted}, summed in the rollups {summed}")


def time_purge():
    durations, purged = [], {}
    last = started = time.perf_counter()
    for batch in retention.purge_batches():
        now = time.perf_counter()
        durations.append((now - last) * 1000)
        last = now
        purged[batch.kind] = purged.get(batch.kind, 0) + batch.rows
        if len(durations) >= PURGE_BATCHES:
            break
    if not durations:
        print("  purge: nothing past its retention")
        return
    ordered = sorted(durations)
    print(f"  purge: {len(durations)} batches, {purged}; a batch takes median {statistics.median(ordered):.0f} ms, "
          f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.0f} ms, max {ordered[-1]:.0f} ms; "
          f"{sum(purged.values()) / (time.perf_counter() - started):.0f} rows/s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not args.database_url:
        sys.exit("give --database-url (or set DATABASE_URL)")
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        webhook_id = db.session.scalars(select(Webhook.id).order_by(Webhook.id)).first()
        rows = db.session.scalar(select(func.count()).select_from(delivery_rollups))
        print(f"{db.engine.dialect.name}: {rows} rollup rows")
        compare_reads(webhook_id)
        time_purge()


if __name__ == "__main__":
    main()
