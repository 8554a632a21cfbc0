"""Delivery actions shared by the dashboard and the API: test event, rotate secret, retry now.

Each takes objects the caller already loaded through the tenancy helpers, commits, and
only then touches Redis, so a queue outage never loses the change (the sweep catches up).
"""

from app.core import queue
from app.delivery import outbox
from app.extensions import db
from app.models.base import utcnow


class DeliveryActionRefused(Exception):
    """An action that cannot be done now; the message says why (an API answers 409)."""


def send_test_event(webhook):
    """Queue a webhook.test delivery to webhook now; return the delivery."""
    delivery = outbox.add_test_delivery(webhook)
    db.session.commit()
    outbox.enqueue(delivery.id, 1)
    return delivery


def rotate_secret(webhook):
    """Give webhook a new signing secret; the old one keeps signing alongside for 24 h. Return the new one."""
    webhook.rotate_secret()
    db.session.commit()
    return webhook.secret


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
    db.session.commit()
    # force: the next attempt's job id may hold a scheduled retry; it is replaced by one queued now
    outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)
    return delivery
