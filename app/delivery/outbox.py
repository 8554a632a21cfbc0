"""Submission → deliveries in one transaction; enqueue after commit."""

import logging

import redis
from flask import current_app
from rq.job import Job, JobStatus
from sqlalchemy import select

from app.delivery import conditions
from app.extensions import db
from app.models import Delivery, Webhook
from app.models.base import utcnow
from app.queueing import get_queue, job_id_for

log = logging.getLogger(__name__)
SAMPLE_ANSWER = "sample"


def event_data(form, submission):
    """The `data` of an event: the form and the submission as sent."""
    return {"form": {"id": form.id, "name": form.name}, "submission": submission.to_dict()}


def test_event_data(form):
    """A webhook.test event's data: the form, with sample answers."""
    now = utcnow().isoformat()
    answers = {field.key: field.default or f"{SAMPLE_ANSWER} {field.key}" for field in form.fields}
    return {
        "form": {"id": form.id, "name": form.name},
        "submission": {"id": None, "created_at": now, "answers": answers, "meta": {}},
    }


def add_submission_deliveries(form, submission):
    """Add one Delivery per enabled webhook of form; the caller commits."""
    webhooks = db.session.scalars(
        select(Webhook).where(Webhook.form_id == form.id, Webhook.enabled.is_(True))
    ).all()
    data = event_data(form, submission)
    deliveries = []
    for webhook in webhooks:
        if not webhook.listens_to("submission.created"):
            continue
        matched = conditions.matches(webhook.conditions, submission.answers or {})
        delivery = Delivery(
            workspace_id=form.workspace_id, webhook_id=webhook.id, submission_id=submission.id,
            event="submission.created", payload=data,
            status="pending" if matched else "skipped",
            next_attempt_at=utcnow() if matched else None,
            last_error=None if matched else "conditions did not match",
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


def enqueue(delivery_id, attempt_number, at=None, force=False):
    """Queue one attempt. A lost Redis only delays it: the sweep re-enqueues from the database."""
    from app.delivery.jobs import deliver

    queue = get_queue()
    job_id = job_id_for(delivery_id, attempt_number)
    try:
        existing = Job.fetch(job_id, connection=queue.connection) if Job.exists(job_id, queue.connection) else None
        if existing is not None:
            live = existing.get_status(refresh=False) in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED)
            if live and not force:
                return False
            existing.delete()
        kwargs = {"job_id": job_id, "result_ttl": 0, "failure_ttl": 3600, "job_timeout": job_timeout()}
        if at is not None and at > utcnow():
            queue.enqueue_at(at, deliver, delivery_id, attempt_number, **kwargs)
        else:
            queue.enqueue(deliver, delivery_id, attempt_number, **kwargs)
        return True
    except redis.RedisError as exc:
        log.warning("could not enqueue %s (the sweep will): %s", job_id, exc)
        return False


def job_timeout():
    """Long enough for one attempt; a job past it is treated as lost and re-run."""
    return int(current_app.config["WEBHOOK_TIMEOUT"] * 2 + 30)


def enqueue_pending(deliveries):
    """Enqueue the first attempt of each pending delivery, after the commit."""
    for delivery in deliveries:
        if delivery.status == "pending":
            enqueue(delivery.id, delivery.attempt_count + 1)
