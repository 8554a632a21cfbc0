"""RQ entry points. Jobs take ids, never objects."""

import logging
import threading
from datetime import timedelta

from flask import current_app, has_app_context
from rq.job import Job, JobStatus
from sqlalchemy import select

from app.delivery import outbox, sender
from app.extensions import db
from app.models import Delivery
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES
from app.queueing import job_id_for

log = logging.getLogger(__name__)
_bound_app = None
_transport_lock = threading.Lock()
# jobs still waiting their turn in the queue; anything else behind a due delivery is lost or dead
WAITING_JOB_STATES = (JobStatus.QUEUED, JobStatus.DEFERRED)


def bind_app(app):
    """Let jobs run in app's context when the worker thread has none."""
    global _bound_app
    _bound_app = app


def _app():
    if has_app_context():
        return current_app._get_current_object()
    if _bound_app is None:
        from app import create_app

        bind_app(create_app())
    return _bound_app


def get_transport(app):
    """One pooled, thread-safe HTTP client per process."""
    with _transport_lock:
        transport = app.extensions.get("webhook_transport")
        if transport is None:
            from app.delivery.transport import Transport

            transport = Transport(
                timeout=app.config["WEBHOOK_TIMEOUT"],
                allowed_networks=app.config["WEBHOOK_ALLOWED_NETWORKS"],
            )
            app.extensions["webhook_transport"] = transport
        return transport


def deliver(delivery_id, attempt_number):
    """Make one attempt of a delivery, and schedule the next if it must retry."""
    app = _app()
    with app.app_context():
        try:
            retry_at = sender.attempt_delivery(
                delivery_id, attempt_number, get_transport(app), app.config["WEBHOOK_RETRY_SCHEDULE"],
                lease_seconds=outbox.lease_seconds(),
            )
        finally:
            db.session.remove()
        if retry_at is not None:
            outbox.enqueue(delivery_id, attempt_number + 1, at=retry_at)


def has_waiting_job(connection, delivery):
    """True when the delivery's next attempt sits in the queue, waiting for a worker.

    Called only for deliveries already past due: a job still "scheduled" then means no
    scheduler is moving it, and a job still "started" outlived its lease, so its worker died
    mid-send (SIGKILL, OOM); both are treated as lost.
    """
    try:
        job = Job.fetch(job_id_for(delivery.id, delivery.attempt_count + 1), connection=connection)
        return job.get_status(refresh=False) in WAITING_JOB_STATES
    except Exception:  # noqa: BLE001 - a missing or unreadable job hash is as good as no job
        return False


def due_deliveries(grace_seconds, limit):
    """Open deliveries whose attempt (or lease) is due for longer than grace_seconds."""
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    return db.session.scalars(
        select(Delivery)
        .where(Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= cutoff)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
    ).all()


def sweep(grace_seconds=5, limit=1000):
    """Enqueue every open delivery that is due and has no job waiting; return how many."""
    app = _app()
    with app.app_context():
        connection = app.task_queue.connection
        requeued = 0
        try:
            for delivery in due_deliveries(grace_seconds, limit):
                if not has_waiting_job(connection, delivery):
                    requeued += outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)
        finally:
            db.session.remove()
        if requeued:
            log.info("sweep re-enqueued %d due deliveries", requeued)
        return requeued
