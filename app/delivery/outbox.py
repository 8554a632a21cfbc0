"""Submission → deliveries in one transaction; enqueue after commit."""

import logging

from flask import current_app
from sqlalchemy import select

from app.core import queue
from app.core.extensions import db
from app.delivery import conditions
from app.fields import field_type
from app.models import Delivery, Webhook
from app.models.base import utcnow

log = logging.getLogger(__name__)
DELIVER_JOB = "app.delivery.jobs.deliver"  # what a delivery job runs (RQ stores the path)
JOB_ID_PREFIX = "deliver-"
# seconds beyond the attempt's own time limit before a silent attempt counts as lost
LEASE_MARGIN = 5


def event_data(form, submission):
    """The `data` of an event: the form and the submission as sent."""
    return {"form": {"id": form.id, "name": form.name}, "submission": submission.to_dict()}


def test_event_data(form):
    """A webhook.test event's data: the form, with sample answers."""
    now = utcnow().isoformat()
    answers = {field.key: field.default or field_type(field.type).sample_answer(field) for field in form.fields}
    return {
        "form": {"id": form.id, "name": form.name},
        "submission": {"id": None, "created_at": now, "answers": answers, "meta": {}},
    }


def add_submission_deliveries(form, submission):
    """Add one Delivery per enabled webhook of form, `skipped` with a reason where conditions fail.

    The caller commits, in the same transaction as the submission.
    """
    # only what deciding needs, as a Core statement: loading whole webhooks would decrypt their
    # URLs, headers and secrets
    columns = Webhook.__table__.c
    webhooks = db.session.connection().execute(
        select(columns.id, columns.events, columns.conditions)
        .where(columns.form_id == form.id, columns.enabled.is_(True)).order_by(columns.created_at)
    ).all()
    data = event_data(form, submission)
    deliveries = []
    for webhook in webhooks:
        if "submission.created" not in (webhook.events or ["submission.created"]):
            continue
        reason = conditions.mismatch_reason(webhook.conditions, submission.answers or {})
        delivery = Delivery(
            workspace_id=form.workspace_id, webhook_id=webhook.id, submission_id=submission.id,
            event="submission.created", payload=data,
            status="skipped" if reason else "pending",
            next_attempt_at=None if reason else utcnow(),
            last_error=reason,
        )
        db.session.add(delivery)
        deliveries.append(delivery)
    return deliveries


def add_test_delivery(webhook):
    """Add a webhook.test delivery for webhook; the caller commits."""
    delivery = Delivery(
        workspace_id=webhook.workspace_id, webhook_id=webhook.id, submission_id=None,
        event="webhook.test", payload=test_event_data(webhook.form),
        status="pending", next_attempt_at=utcnow(),
    )
    db.session.add(delivery)
    return delivery


def job_id_for(delivery_id, attempt_number):
    """Deterministic: one job per attempt of a delivery, never two at once."""
    return f"{JOB_ID_PREFIX}{delivery_id}-{attempt_number}"


def parse_job_id(job_id):
    """(delivery id, attempt number) of a delivery job id, or None for any other job."""
    if not job_id.startswith(JOB_ID_PREFIX):
        return None
    delivery_id, _, number = job_id[len(JOB_ID_PREFIX):].rpartition("-")
    return (delivery_id, int(number)) if delivery_id and number.isdigit() else None


def enqueue(delivery_id, attempt_number, workspace_id=None, at=None, force=False, new=False):
    """Queue one attempt; return True if queued. A lost Redis only delays it: the sweep re-enqueues.

    The job waits in the queue of the delivery's workspace (read from its row when not given),
    taking turns with the other workspaces'. The job id is deterministic, so an attempt already
    waiting is not queued twice; force replaces whatever job holds the id (a lost, dead or
    scheduled one). new: the delivery was just created, so no job for it can exist yet (saves
    a round trip).
    """
    job_id = job_id_for(delivery_id, attempt_number)
    if workspace_id is None:
        workspace_id = db.session.scalar(select(Delivery.workspace_id).where(Delivery.id == delivery_id))
    try:
        return queue.enqueue_job(
            DELIVER_JOB, delivery_id, attempt_number, job_id=job_id, at=at, replace=force, new=new,
            timeout=job_timeout(), tenant=workspace_id,
        )
    except queue.QueueUnavailable as exc:
        log.warning("could not enqueue %s (the sweep will): %s", job_id, exc)
        return False


def lease_seconds():
    """How long one attempt may take at most: the sweep re-sends an attempt whose lease ran out."""
    return int(current_app.config["WEBHOOK_TIMEOUT"] * 2 + LEASE_MARGIN)


def job_timeout():
    """RQ's hard limit for one job: past the lease, so a slow attempt is not killed early."""
    return lease_seconds() + 30


def enqueue_pending(deliveries, new=False):
    """Enqueue the first attempt of each pending delivery, after the commit.

    new: the deliveries were just created, so no job for them can exist: all are queued in
    one round trip. A lost Redis only delays them: the sweep re-enqueues.
    """
    pending = [delivery for delivery in deliveries if delivery.status == "pending"]
    if not new:
        for delivery in pending:
            enqueue(delivery.id, delivery.attempt_count + 1, delivery.workspace_id)
        return
    jobs = [(job_id_for(delivery.id, delivery.attempt_count + 1), delivery.workspace_id,
             (delivery.id, delivery.attempt_count + 1)) for delivery in pending]
    try:
        queue.enqueue_new_jobs(DELIVER_JOB, jobs, timeout=job_timeout())
    except queue.QueueUnavailable as exc:
        log.warning("could not enqueue %d new deliveries (the sweep will): %s", len(jobs), exc)
