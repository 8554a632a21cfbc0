"""Queued job entry points and the sweep. Jobs take ids, never objects."""

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, or_, select

from app.core import queue
from app.core.extensions import db
from app.delivery import outbox
from app.delivery.runner import deliver_now
from app.models import Delivery
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES

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


def deliver(delivery_id, attempt_number):
    """Make one attempt of a delivery the way the worker makes it (a plain `rq worker` runs this).

    A stale or duplicate job (the attempt is done, closed or being made) does nothing.
    """
    deliver_now(_app(), delivery_id, attempt_number)


def waiting_flags(deliveries):
    """For each delivery, whether its next attempt sits in the queue waiting for a worker.

    Asked only about deliveries already past due: a job still "scheduled" then means no
    scheduler is moving it, and a job still "started" outlived its lease, so its worker died
    mid-send (SIGKILL, OOM); both count as lost, like a job Redis no longer has.
    """
    return queue.waiting([outbox.job_id_for(delivery.id, delivery.attempt_count + 1) for delivery in deliveries])


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
        cutoff = utcnow() - timedelta(seconds=grace_seconds)
        requeued, after = 0, None
        try:
            queue.announce_waiting_queues()  # a job in a queue no worker looks at is not waiting
            for _ in range(max_pages):
                page = due_deliveries(cutoff, page_size, after)
                if not page:
                    break
                for delivery, waiting in zip(page, waiting_flags(page), strict=True):
                    if not waiting:
                        requeued += outbox.enqueue(
                            delivery.id, delivery.attempt_count + 1, delivery.workspace_id, force=True,
                        )
                after = (page[-1].next_attempt_at, page[-1].id)
        finally:
            db.session.remove()
        if requeued:
            log.info("sweep re-enqueued %d due deliveries", requeued)
        return requeued
