"""Delivery actions shared by the dashboard and the API: test event, rotate secret, retry now.

Each takes objects the caller already loaded through the tenancy helpers, commits, and
only then touches Redis, so a queue outage never loses the change (the sweep catches up).
"""

from flask_babel import gettext as _
from rq.job import Job, JobStatus
from sqlalchemy import update

from app.delivery import outbox
from app.extensions import db
from app.models import Delivery
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES
from app.queueing import get_queue, job_id_for


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
    job_id = job_id_for(delivery.id, delivery.attempt_count + 1)
    try:
        job = Job.fetch(job_id, connection=get_queue().connection)
    except Exception:  # noqa: BLE001 - no job (or an unreadable one) is nothing in flight
        return False
    lease_held = delivery.next_attempt_at is not None and delivery.next_attempt_at > utcnow()
    return job.get_status(refresh=False) == JobStatus.STARTED and lease_held


def _ask_after_attempt(delivery):
    """Flag the delivery to be retried once its attempt in flight is recorded; False if it already was.

    The flag is set only while that attempt is unrecorded (attempt_count unchanged) and its lease
    runs; the recorder clears it in the transaction that records the attempt (sender.record_outcomes).
    """
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id, Delivery.attempt_count == delivery.attempt_count,
               Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at > utcnow())
        .values(retry_requested=True)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def retry_now(delivery):
    """Send delivery again now, with the same webhook-id; a scheduled retry is replaced, not doubled.

    Works on any delivery (failed, succeeded, skipped or waiting). While an attempt is being
    sent, the retry is sent right after that attempt is recorded. Returns "queued" or
    "after_attempt". Raises DeliveryActionRefused only when its webhook is disabled.
    """
    webhook = delivery.webhook
    if webhook is None or not webhook.enabled:
        raise DeliveryActionRefused(_("the webhook is disabled; enable it before retrying"))
    if delivery.status in OPEN_STATUSES and _attempt_in_flight(delivery) and _ask_after_attempt(delivery):
        return "after_attempt"
    db.session.refresh(delivery)  # the attempt in flight may have been recorded since the page was loaded
    delivery.status = "retrying" if delivery.attempt_count else "pending"
    delivery.next_attempt_at = utcnow()
    delivery.retry_requested = False
    db.session.commit()
    # force: the next attempt's job id may hold a scheduled retry; it is replaced by one queued now
    outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)
    return "queued"
