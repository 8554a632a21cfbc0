"""Outgoing mail through the queue: a Mail row written in the transaction of what it tells of, a job per try.

Mail never leaves on a request, sending or recording thread: the job does, after the commit
that wrote the row, and when the SMTP server is away it tries again on MAIL_RETRY_SCHEDULE
(with jitter). So a submission, a disable or a sign-up never waits for, or fails with, its
mail; the sweep queues again any open mail whose job Redis lost.
"""

import logging
from datetime import timedelta
from functools import partial

from flask import current_app, has_app_context

from app.core import queue
from app.core.database import on_commit
from app.core.extensions import db
from app.delivery.policy import jittered
from app.models import Mail
from app.models.base import utcnow
from app.models.ids import new_id
from app.models.mails import MAX_LOGGED_TRIES, OPEN_MAIL_STATUSES
from app.services.mail import MailNotSent, deliver_mail

log = logging.getLogger(__name__)
JOB_ID_PREFIX = "mail-"
SEND_JOB = "app.services.mail_queue.send_queued_mail"
SUBJECT_MAX = 300
ERROR_MAX = 1000


def add_mail(kind, recipients, subject, body, *, status="pending", **columns):
    """Add one message (no flush: the caller's commit writes it) and queue its job after that commit.

    status "held" keeps it for the form's digest instead. Returns the Mail.
    """
    now = utcnow()
    mail = Mail(
        id=new_id("mail"), kind=kind, recipients=sorted(set(recipients)), subject=_one_line(subject)[:SUBJECT_MAX],
        body=body, status=status, created_at=now, attempts=0, tries=[],
        next_attempt_at=now if status == "pending" else None, **columns,
    )
    db.session.add(mail)
    if status == "pending":
        # the row exists only once committed: its job is queued then, never before
        on_commit(partial(enqueue_mail, mail.id, 1, new=True))
    return mail


def _one_line(text):
    return " ".join((text or "").split())


def job_id_for(mail_id, attempt):
    """One job id per try of a mail: a try is never queued twice."""
    return f"{JOB_ID_PREFIX}{mail_id}-{attempt}"


def enqueue_mail(mail_id, attempt=1, at=None, new=False):
    """Queue the job that makes one try of a mail; after the commit that wrote it. Return True if queued.

    new: the try's id is known to be unused (each try has an id of its own); otherwise a try
    already waiting or scheduled is left as it is.
    """
    try:
        return queue.enqueue_job(SEND_JOB, mail_id, job_id=job_id_for(mail_id, attempt), at=at, new=new,
                                 failure_ttl=86400)
    except queue.QueueUnavailable as exc:
        log.error("could not queue mail %s (the sweep will): %s", mail_id, exc)
        return False


def requeue_unsent(grace_seconds=60, limit=500):
    """Queue again every open mail whose next try has no live job (Redis lost it); return how many.

    The database is the source of truth for mail as for deliveries. A try that was scheduled
    for later is scheduled again for the same time, so the backoff survives a lost Redis.
    """
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    tries = len(current_app.config["MAIL_RETRY_SCHEDULE"]) + 1
    rows = db.session.execute(
        db.select(Mail.id, Mail.attempts, Mail.next_attempt_at)
        .where(Mail.status.in_(OPEN_MAIL_STATUSES), Mail.attempts < tries, Mail.created_at < cutoff)
        .order_by(Mail.created_at).limit(limit)
    ).all()
    if not rows:
        return 0
    live = queue.states([job_id_for(mail_id, attempts + 1) for mail_id, attempts, _ in rows])
    return sum(
        bool(enqueue_mail(mail_id, attempts + 1, at=due))
        for (mail_id, attempts, due), state in zip(rows, live, strict=True)
        if state not in queue.LIVE_STATES
    )


def send_queued_mail(mail_id):
    """The mail job: make one try of a mail, or schedule the next on MAIL_RETRY_SCHEDULE."""
    if has_app_context():
        return _send(mail_id)
    from app import create_app  # a plain `rq worker` runs jobs without an app

    with create_app().app_context():
        return _send(mail_id)


def _send(mail_id):
    mail = db.session.get(Mail, mail_id)
    if mail is None or not mail.is_open:
        return None  # deleted with its workspace, already sent, or a duplicate job
    mail.attempts += 1
    try:
        if mail.recipients:
            deliver_mail(mail.recipients, mail.subject, mail.body, reply_to=mail.reply_to)
    except MailNotSent as exc:
        _record_try(mail, exc)
        retry_at = _next_try_at(mail, exc)
        db.session.commit()
        if retry_at is not None:
            enqueue_mail(mail.id, mail.attempts + 1, at=retry_at, new=True)
        return None
    _record_try(mail, None)
    mail.status, mail.sent_at, mail.next_attempt_at = "sent", utcnow(), None
    mail.error_code = mail.last_error = None
    db.session.commit()
    log.info("mail %s (%s) sent to %d recipient(s)", mail.id, mail.kind, len(mail.recipients))
    return mail.id


def _record_try(mail, exc):
    entry = {"at": utcnow().isoformat(), "error_code": exc.code if exc else None,
             "error": str(exc)[:ERROR_MAX] if exc else None}
    mail.tries = [*(mail.tries or []), entry][-MAX_LOGGED_TRIES:]
    if exc is not None:
        mail.error_code, mail.last_error = exc.code, str(exc)[:ERROR_MAX]


def _next_try_at(mail, exc):
    """Mark the mail retrying (and return when) or failed (and return None)."""
    schedule = current_app.config["MAIL_RETRY_SCHEDULE"]
    if exc.permanent or mail.attempts > len(schedule):
        mail.status, mail.next_attempt_at = "failed", None
        log.error("gave up on mail %s (%s) after %d tries: %s", mail.id, mail.kind, mail.attempts, exc)
        return None
    delay = jittered(schedule[mail.attempts - 1])
    mail.status, mail.next_attempt_at = "retrying", utcnow() + timedelta(seconds=delay)
    log.warning("could not send mail %s (try %d): %s; trying again in %d s", mail.id, mail.attempts, exc, delay)
    return mail.next_attempt_at
