"""Bulk resends (same webhook-id), cancelling a pending retry, recovering a webhook's backlog.

Each flushes; the caller commits, and the jobs are queued after that commit.

Resending one delivery is the engine's `app.services.deliveries.retry_now`; this builds on it.
"""

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.core.extensions import db
from app.delivery import conditions, outbox
from app.models import Attempt, Delivery, Submission
from app.models.base import utcnow
from app.models.submissions import ACCEPTED
from app.models.webhooks import OPEN_STATUSES
from app.services.deliveries import enqueue_after_commit, retry_now

BULK_LIMIT = 1000


class ReplayRefused(Exception):
    """A resend or cancel that cannot happen, with the reason to show."""


def cancel_retry(delivery, user_email):
    """Stop a pending or retrying delivery (flush; the caller commits); its queued job then finds it closed."""
    if delivery.status not in OPEN_STATUSES:
        raise ReplayRefused(_("the delivery is %(status)s, there is no retry to cancel", status=delivery.status))
    delivery.status = "failed"
    delivery.next_attempt_at = None
    delivery.last_error = f"retry cancelled by {user_email}"
    db.session.flush()


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
    """Retry each delivery now (queued when the caller commits); return how many."""
    for delivery in deliveries:
        retry_now(delivery)
    return len(deliveries)


def resend_failed_since(webhook, since):
    """Resend every failed delivery of webhook created at or after since; return how many."""
    if not webhook.enabled:
        raise ReplayRefused(_("the webhook is disabled — enable it first"))
    return resend_many(failed_since(webhook, since))


def missed_submissions(webhook, since):
    """Submissions of webhook's form since then that never got a delivery for it (it was disabled)."""
    delivered = select(Delivery.submission_id).where(
        Delivery.webhook_id == webhook.id, Delivery.submission_id.is_not(None)
    )
    return db.session.scalars(
        select(Submission).where(
            Submission.form_id == webhook.form_id, Submission.created_at >= since, Submission.id.not_in(delivered),
            Submission.status == ACCEPTED,
        ).order_by(Submission.id).limit(BULK_LIMIT)
    ).all()


def backlog_size(webhook, since):
    return len(failed_since(webhook, since, attempted=True)) + len(missed_submissions(webhook, since))


def resend_backlog(webhook, since):
    """Resend failed deliveries since then and deliver the submissions missed while disabled."""
    if not webhook.enabled:
        raise ReplayRefused(_("the webhook is disabled — enable it first"))
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
        enqueue_after_commit(delivery)
        created.append(delivery)
    return resend_many(failed_since(webhook, since, attempted=True)) + len(created)
