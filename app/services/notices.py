"""Owner notices: written in the transaction of the change they tell of, mailed by a queued job.

Mail never leaves on a request, sending or recording thread: the job does, and when the SMTP
server is away it tries again on MAIL_RETRY_SCHEDULE (with jitter), so the change itself
never waits for, or fails with, the mail.
"""

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core import queue, timezones
from app.core.extensions import db
from app.core.i18n import recipient_locale
from app.delivery.policy import jittered
from app.models import Membership, Notice, Workspace
from app.models.base import utcnow
from app.services.mail import MailNotSent, deliver_mail

log = logging.getLogger(__name__)
JOB_ID_PREFIX = "notice-"
SEND_JOB = "app.services.notices.send_notice"


def owners_by_language(workspace_id):
    """The workspace owners' addresses, sorted, by the language each is mailed in."""
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.workspace_id == workspace_id, Membership.role == "owner")
    ).all()
    grouped = {}
    for membership in memberships:
        grouped.setdefault(recipient_locale(membership.user), []).append(membership.user.email)
    return {locale: sorted(emails) for locale, emails in sorted(grouped.items())}


def add_webhook_disabled_notices(webhook, reason):
    """Add the notices telling the owners, each in their language, that webhook was disabled; flush.

    One notice per language the owners read; the time is the workspace's wall clock (`21:44 WIB`).
    """
    link = f"{current_app.config['BASE_URL']}/webhooks/{webhook.id}/deliveries"
    form_name = webhook.form.name if webhook.form else webhook.form_id
    workspace = db.session.get(Workspace, webhook.workspace_id)
    zone_name = workspace.timezone if workspace else None
    added = []
    for locale, recipients in owners_by_language(webhook.workspace_id).items() or [("en", [])]:
        with force_locale(locale):
            when = timezones.format_local(utcnow(), zone_name, locale=locale)
            body = _(
                "Formhook stopped sending submissions of the form “%(form)s” to\n\n  %(url)s\n\n"
                "When: %(when)s.\nWhy: %(reason)s.\n\n"
                "New submissions are still stored. Open the delivery log to read what the endpoint answered,\n"
                "fix it, then re-enable the webhook — you can resend everything it missed:\n\n"
                "  %(link)s\n",
                form=form_name, url=webhook.url, when=when, reason=reason, link=link,
            )
            subject = _("Webhook disabled: %(form)s", form=form_name)
        added.append(Notice(workspace_id=webhook.workspace_id, webhook_id=webhook.id, recipients=recipients,
                            subject=subject, body=body))
    db.session.add_all(added)
    db.session.flush()
    return added


def enqueue_mail(notice_id, attempt=1, at=None, new=True):
    """Queue the job that mails one notice; after the commit that wrote it. Return True if queued.

    new: the try's id is known to be unused (each try has an id of its own); the sweep passes
    False, so a try already waiting or scheduled is left as it is.
    """
    try:
        # the one place notices meet the queue
        return queue.enqueue_job(SEND_JOB, notice_id, job_id=f"{JOB_ID_PREFIX}{notice_id}-{attempt}", at=at,
                                 new=new, failure_ttl=86400)
    except queue.QueueUnavailable as exc:
        log.error("could not queue the mail of notice %s: %s", notice_id, exc)
        return False


def requeue_unsent(grace_seconds=60, limit=500):
    """Queue the next try of every unsent notice whose job is gone (Redis lost it); return how many.

    The database is the source of truth for mail as for deliveries: a notice committed while
    Redis was away, or whose job Redis lost, is mailed once the sweep finds it.
    """
    cutoff = utcnow() - timedelta(seconds=grace_seconds)
    tries = len(current_app.config["MAIL_RETRY_SCHEDULE"]) + 1
    unsent = db.session.execute(
        db.select(Notice.id, Notice.attempts)
        .where(Notice.sent_at.is_(None), Notice.attempts < tries, Notice.created_at < cutoff)
        .order_by(Notice.created_at).limit(limit)
    ).all()
    return sum(bool(enqueue_mail(notice_id, attempts + 1, new=False)) for notice_id, attempts in unsent)


def send_notice(notice_id):
    """The mail job: send one notice, or try again later on MAIL_RETRY_SCHEDULE."""
    if has_app_context():
        return _send(notice_id)
    from app import create_app  # a plain `rq worker` runs jobs without an app

    with create_app().app_context():
        return _send(notice_id)


def _send(notice_id):
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.sent_at is not None:
        return None  # deleted with its workspace, or a duplicate job
    notice.attempts += 1
    try:
        if notice.recipients:
            deliver_mail(notice.recipients, notice.subject, notice.body)
    except MailNotSent as exc:
        notice.last_error = str(exc)
        db.session.commit()
        return _retry_later(notice, exc)
    notice.sent_at, notice.last_error = utcnow(), None
    db.session.commit()
    log.info("notice %s mailed to %d owner(s)", notice.id, len(notice.recipients))
    return notice.id


def _retry_later(notice, exc):
    schedule = current_app.config["MAIL_RETRY_SCHEDULE"]
    if notice.attempts > len(schedule):
        log.error("gave up mailing notice %s after %d tries: %s", notice.id, notice.attempts, exc)
        return None
    delay = jittered(schedule[notice.attempts - 1])
    log.warning("could not mail notice %s (try %d): %s; trying again in %d s", notice.id, notice.attempts, exc, delay)
    enqueue_mail(notice.id, notice.attempts + 1, at=utcnow() + timedelta(seconds=delay))
    return None
