"""Delivery actions shared by the dashboard and the API: test event, retry now.

Each takes objects the caller already loaded through the tenancy helpers and flushes; the
caller commits, and only then is the job queued (app.database.on_commit), so a queue outage
never loses the change (the sweep catches up) and no job looks for a row not yet committed.
"""

from functools import partial

from flask_babel import gettext as _
from sqlalchemy import update

from app.core import queue
from app.core.database import on_commit
from app.core.extensions import db
from app.delivery import outbox
from app.models import Delivery
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES


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
    on_commit(partial(outbox.enqueue, delivery.id, delivery.attempt_count + 1, delivery.workspace_id, force=force))


def _attempt_in_flight(delivery):
    lease_held = delivery.next_attempt_at is not None and delivery.next_attempt_at > utcnow()
    return lease_held and queue.running(outbox.job_id_for(delivery.id, delivery.attempt_count + 1))


def _ask_after_attempt(delivery):
    """Flag the delivery to be retried once its attempt in flight is recorded; False if it already was.

    The flag is set only while that attempt is unrecorded (attempt_count unchanged) and its lease
    runs; the recorder clears it in the transaction that records the attempt (sender.record_outcomes).
    The caller commits.
    """
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id, Delivery.attempt_count == delivery.attempt_count,
               Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at > utcnow())
        .values(retry_requested=True)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def retry_now(delivery):
    """Send delivery again now, with the same webhook-id; a scheduled retry is replaced, not doubled.

    Works on any delivery (failed, succeeded, skipped or waiting). While an attempt is being
    sent, the retry is sent right after that attempt is recorded. Returns "queued" or
    "after_attempt"; the caller commits. Raises DeliveryActionRefused only when its webhook is disabled.
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
    # force: the next attempt's job id may hold a scheduled retry; it is replaced by one queued now
    enqueue_after_commit(delivery, force=True)
    return "queued"
