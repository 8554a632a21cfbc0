"""RQ entry points. Jobs take ids, never objects."""

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from rq.job import Job, JobStatus
from sqlalchemy import select

from app.delivery import outbox, sender
from app.extensions import db
from app.models import Delivery
from app.models.base import utcnow
from app.queueing import job_id_for

log = logging.getLogger(__name__)
_bound_app = None


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
                delivery_id, attempt_number, get_transport(app), app.config["WEBHOOK_RETRY_SCHEDULE"]
            )
        finally:
            db.session.remove()
        if retry_at is not None:
            outbox.enqueue(delivery_id, attempt_number + 1, at=retry_at)


LIVE_JOB_STATES = (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED)


def _has_live_job(connection, delivery):
    job_id = job_id_for(delivery.id, delivery.attempt_count + 1)
    try:
        job = Job.fetch(job_id, connection=connection)
    except Exception:  # NoSuchJobError, or a job hash a flush left half-gone
        return False
    status = job.get_status(refresh=False)
    if status == JobStatus.STARTED and job.started_at is not None:
        # a worker killed mid-send leaves its job "started" forever; past its timeout it is lost
        started = job.started_at.replace(tzinfo=utcnow().tzinfo)
        return utcnow() - started < timedelta(seconds=outbox.job_timeout())
    return status in LIVE_JOB_STATES


def sweep(grace_seconds=5, limit=1000):
    """Enqueue every open delivery that is due and has no live job; return how many."""
    app = _app()
    with app.app_context():
        cutoff = utcnow() - timedelta(seconds=grace_seconds)
        due = db.session.scalars(
            select(Delivery)
            .where(Delivery.status.in_(("pending", "retrying")), Delivery.next_attempt_at <= cutoff)
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
        ).all()
        connection = app.task_queue.connection
        requeued = 0
        for delivery in due:
            if not _has_live_job(connection, delivery):
                outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)
                requeued += 1
        db.session.remove()
        if requeued:
            log.info("sweep re-enqueued %d due deliveries", requeued)
        return requeued
