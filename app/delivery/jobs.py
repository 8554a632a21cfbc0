"""RQ entry points. Jobs take ids, never objects."""

import logging
import threading
from datetime import timedelta

from flask import current_app, has_app_context
from rq.job import Job, JobStatus
from sqlalchemy import and_, or_, select

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
WAITING_JOB_STATES = {JobStatus.QUEUED.value, JobStatus.DEFERRED.value}


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


def waiting_flags(connection, deliveries):
    """For each delivery, whether its next attempt sits in the queue waiting for a worker.

    Asked only about deliveries already past due: a job still "scheduled" then means no
    scheduler is moving it, and a job still "started" outlived its lease, so its worker died
    mid-send (SIGKILL, OOM); both count as lost, like a job Redis no longer has.
    """
    with connection.pipeline(transaction=False) as pipe:
        for delivery in deliveries:
            pipe.hget(Job.key_for(job_id_for(delivery.id, delivery.attempt_count + 1)), "status")
        statuses = pipe.execute()
    return [status is not None and status.decode() in WAITING_JOB_STATES for status in statuses]


def due_deliveries(cutoff, limit, after=None):
    """One page of open deliveries due before cutoff, in (next_attempt_at, id) order after `after`."""
    query = select(Delivery).where(Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= cutoff)
    if after is not None:
        last_due, last_id = after
        query = query.where(or_(
            Delivery.next_attempt_at > last_due, and_(Delivery.next_attempt_at == last_due, Delivery.id > last_id),
        ))
    return db.session.scalars(query.order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)).all()


def sweep(grace_seconds=5, page_size=500, max_pages=100):
    """Enqueue every open delivery that is due and has no job waiting; return how many.

    grace_seconds leaves a just-committed delivery to the enqueue that follows its commit.
    """
    app = _app()
    with app.app_context():
        connection = app.task_queue.connection
        cutoff = utcnow() - timedelta(seconds=grace_seconds)
        requeued, after = 0, None
        try:
            for _ in range(max_pages):
                page = due_deliveries(cutoff, page_size, after)
                if not page:
                    break
                for delivery, waiting in zip(page, waiting_flags(connection, page), strict=True):
                    if not waiting:
                        requeued += outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)
                after = (page[-1].next_attempt_at, page[-1].id)
        finally:
            db.session.remove()
        if requeued:
            log.info("sweep re-enqueued %d due deliveries", requeued)
        return requeued
