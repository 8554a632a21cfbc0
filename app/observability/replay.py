"""Resend deliveries (same webhook-id), cancel a pending retry, recover a webhook's backlog."""

from sqlalchemy import or_, select

from app.delivery import conditions, outbox
from app.extensions import db
from app.models import Attempt, Delivery, Submission
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES

BULK_LIMIT = 1000


class ReplayRefused(Exception):
    """A resend that cannot happen, with the reason to show."""


def _reopen(delivery):
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    delivery.last_error = None


def resend(delivery):
    """Send delivery again now, as its next attempt; commits and enqueues."""
    if delivery.webhook is None or not delivery.webhook.enabled:
        raise ReplayRefused("the webhook is disabled — enable it first")
    _reopen(delivery)
    db.session.commit()
    outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)


def cancel_retry(delivery, user_email):
    """Stop a pending or retrying delivery; its queued job then finds it closed and does nothing."""
    if delivery.status not in OPEN_STATUSES:
        raise ReplayRefused(f"the delivery is {delivery.status}, there is no retry to cancel")
    delivery.status = "failed"
    delivery.next_attempt_at = None
    delivery.last_error = f"retry cancelled by {user_email}"
    db.session.commit()


def failed_since(webhook, since, attempted=False):
    """Failed deliveries created since then (or, with attempted, also those that failed an attempt since)."""
    recent = Delivery.created_at >= since
    if attempted:
        tried = select(Attempt.id).where(Attempt.delivery_id == Delivery.id, Attempt.at >= since).exists()
        recent = or_(recent, tried)
    return db.session.scalars(
        select(Delivery).where(Delivery.webhook_id == webhook.id, Delivery.status == "failed", recent)
        .order_by(Delivery.id).limit(BULK_LIMIT)
    ).all()


def resend_many(deliveries):
    """Reopen deliveries in one commit, then enqueue each; return how many."""
    for delivery in deliveries:
        _reopen(delivery)
    db.session.commit()
    for delivery in deliveries:
        outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)
    return len(deliveries)


def resend_failed_since(webhook, since):
    """Resend every failed delivery of webhook created at or after since; return how many."""
    if not webhook.enabled:
        raise ReplayRefused("the webhook is disabled — enable it first")
    return resend_many(failed_since(webhook, since))


def missed_submissions(webhook, since):
    """Submissions of webhook's form since then that never got a delivery for it (it was disabled)."""
    delivered = select(Delivery.submission_id).where(
        Delivery.webhook_id == webhook.id, Delivery.submission_id.is_not(None)
    )
    return db.session.scalars(
        select(Submission).where(
            Submission.form_id == webhook.form_id, Submission.created_at >= since, Submission.id.not_in(delivered),
        ).order_by(Submission.id).limit(BULK_LIMIT)
    ).all()


def backlog_size(webhook, since):
    return len(failed_since(webhook, since, attempted=True)) + len(missed_submissions(webhook, since))


def resend_backlog(webhook, since):
    """Resend failed deliveries since then and deliver the submissions missed while disabled."""
    created = []
    for submission in missed_submissions(webhook, since):
        if not conditions.matches(webhook.conditions, submission.answers or {}):
            continue
        delivery = Delivery(
            workspace_id=webhook.workspace_id, webhook_id=webhook.id, submission_id=submission.id,
            event="submission.created", payload=outbox.event_data(webhook.form, submission),
            status="pending", next_attempt_at=utcnow(),
        )
        db.session.add(delivery)
        created.append(delivery)
    return resend_many(failed_since(webhook, since, attempted=True) + created)
