"""Delivery actions shared by the dashboard and the API: test event, retry now.

Each takes objects the caller already loaded through the tenancy helpers and flushes; the
caller commits, and only then is the job queued (app.database.on_commit), so a queue outage
never loses the change (the sweep catches up) and no job looks for a row not yet committed.
"""

from functools import partial

from app.core import queue
from app.database import on_commit
from app.delivery import outbox
from app.extensions import db
from app.models.base import utcnow


class DeliveryActionRefused(Exception):
    """An action that cannot be done now; the message says why (an API answers 409)."""


def send_test_event(webhook):
    """Queue a webhook.test delivery to webhook now; return the delivery."""
    delivery = outbox.add_test_delivery(webhook)
    enqueue_after_commit(delivery)
    return delivery


def enqueue_after_commit(delivery, force=False):
    """Flush delivery and queue its next attempt once the caller's transaction commits."""
    db.session.flush()
    on_commit(partial(outbox.enqueue, delivery.id, delivery.attempt_count + 1, force=force))


def _attempt_in_flight(delivery):
    lease_held = delivery.next_attempt_at is not None and delivery.next_attempt_at > utcnow()
    return lease_held and queue.running(outbox.job_id_for(delivery.id, delivery.attempt_count + 1))


def retry_now(delivery):
    """Send delivery again now, with the same webhook-id; a scheduled retry is replaced, not doubled.

    Works on any delivery (failed, succeeded, skipped or waiting). Raises
    DeliveryActionRefused when its webhook is disabled or an attempt is being sent this moment.
    """
    webhook = delivery.webhook
    if webhook is None or not webhook.enabled:
        raise DeliveryActionRefused("the webhook is disabled; enable it before retrying")
    if delivery.status in ("pending", "retrying") and _attempt_in_flight(delivery):
        raise DeliveryActionRefused("an attempt of this delivery is being sent right now")
    delivery.status = "retrying" if delivery.attempt_count else "pending"
    delivery.next_attempt_at = utcnow()
    # force: the next attempt's job id may hold a scheduled retry; it is replaced by one queued now
    enqueue_after_commit(delivery, force=True)
    return delivery
