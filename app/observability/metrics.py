"""Prometheus metrics computed from the database and Redis at scrape time.

Every figure comes from shared state, so any web process answers the same and
gunicorn's several workers need no multiprocess directory.
"""

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from sqlalchemy import func, select

from app.core import queue
from app.core.extensions import db
from app.models import Delivery, Submission
from app.models.base import utcnow
from app.models.rollups import LATENCY_BOUNDS_MS, bucket_column
from app.models.webhooks import DELIVERY_STATUSES, OPEN_STATUSES
from app.observability.rollup_sums import rollup_sums
from app.services import retention

LATENCY_BUCKETS_MS = (50, 100, 250, 500, 1000, 2500, 5000, 10000, 15000, 30000)


class FormhookCollector:
    """Yield the metric families from the app's database and queue."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        with self.app.app_context():
            try:
                yield from self._database_metrics()
                yield from self._queue_metrics()
                yield self._purge_metrics()
            finally:
                db.session.remove()

    def _database_metrics(self):
        submissions = CounterMetricFamily("formhook_submissions", "Submissions stored")
        submissions.add_metric([], db.session.scalar(select(func.count(Submission.id))) or 0)
        yield submissions

        by_status = dict(db.session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
        deliveries = GaugeMetricFamily("formhook_deliveries", "Deliveries by status", labels=["status"])
        for status in DELIVERY_STATUSES:
            deliveries.add_metric([status], by_status.get(status, 0))
        yield deliveries

        # from the hourly rollups: as cheap at ten million attempts as at ten, and purging attempts changes nothing
        sums = rollup_sums()
        buckets = [
            (str(limit / 1000), sum(sums[bucket_column(bound)] for bound in LATENCY_BOUNDS_MS if bound <= limit))
            for limit in LATENCY_BUCKETS_MS
        ]
        buckets.append(("+Inf", sums["attempts"]))
        total_ms = sums["duration_ms_sum"]
        latency = HistogramMetricFamily("formhook_attempt_duration_seconds", "Duration of delivery attempts")
        latency.add_metric([], buckets, sum_value=total_ms / 1000)
        yield latency

        oldest = db.session.scalar(
            select(func.min(Delivery.next_attempt_at))
            .where(Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= utcnow())
        )
        age = GaugeMetricFamily(
            "formhook_oldest_due_delivery_age_seconds", "How long the oldest due delivery has waited (0: none)"
        )
        age.add_metric([], max(0.0, (utcnow() - oldest).total_seconds()) if oldest else 0.0)
        yield age

    def _queue_metrics(self):
        depth = GaugeMetricFamily("formhook_queue_depth", "Jobs in the delivery queue", labels=["state"])
        for state, count in queue.depth(self.app).items():
            depth.add_metric([state], count)
        yield depth


    def _purge_metrics(self):
        purged = CounterMetricFamily(
            "formhook_retention_purged", "Rows the retention purge deleted (files: stored files)", labels=["kind"]
        )
        for kind, count in retention.purged_counts(self.app.redis).items():
            purged.add_metric([kind], count)
        return purged


def registry_for(app):
    """One registry per app, so tests that build many apps never register twice."""
    registry = app.extensions.get("metrics_registry")
    if registry is None:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(FormhookCollector(app))
        app.extensions["metrics_registry"] = registry
    return registry


def render_metrics(app):
    return generate_latest(registry_for(app))
