"""Digests: a form's held owner mails bundled into one summary an hour, or one a day.

The worker's sweep runs send_due on every round (the sweep lock keeps it to one worker at a
time). An hourly digest covers the submissions before the last full hour; a daily one those
before the last DIGEST_HOUR o'clock in the workspace's time zone. A held mail is bundled in
the same transaction that writes its digest, so none is summarised twice or left out.
"""

import logging
from datetime import timedelta

from flask_babel import force_locale

from app.core import timezones
from app.core.extensions import db
from app.models import Form, Mail, Workspace
from app.models.base import utcnow
from app.services import mail_queue
from app.services.notification_settings import settings_of
from app.services.notification_texts import digest_message, owner_language
from app.services.notifications import owner_recipients

log = logging.getLogger(__name__)
DIGEST_HOUR = 8  # local time of the daily summary
MAX_LISTED = 100  # submissions written out in one summary; the rest are counted and linked


def period_start(period, now, zone_name):
    """The end of the last full period before now: what a digest sent now covers (aware UTC)."""
    if period == "hourly":
        return now.replace(minute=0, second=0, microsecond=0)
    if period == "daily":
        local = now.astimezone(timezones.zone(zone_name))
        boundary = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
        if boundary > local:
            boundary -= timedelta(days=1)
        return boundary.astimezone(now.tzinfo)
    return now  # the digest was turned off: what it still holds goes out at once


def send_due(now=None):
    """Write one digest for every form whose held mails' period has ended; return how many were written."""
    now = now or utcnow()
    form_ids = db.session.scalars(db.select(Mail.form_id).where(Mail.status == "held").distinct()).all()
    written = 0
    for form_id in form_ids:
        form = db.session.get(Form, form_id) if form_id else None
        if form is not None and _bundle(form, now):
            written += 1
    if written:
        db.session.commit()  # queues the digests' jobs (mail_queue.add_mail)
        log.info("wrote %d digest(s)", written)
    return written


def _bundle(form, now):
    settings = settings_of(form)
    workspace = db.session.get(Workspace, form.workspace_id)
    before = period_start(settings["digest"], now, workspace.timezone if workspace else None)
    held = db.session.scalars(
        db.select(Mail).where(Mail.form_id == form.id, Mail.status == "held", Mail.created_at < before)
        .order_by(Mail.created_at, Mail.id)
    ).all()
    if not held:
        return None
    with force_locale(owner_language(form)):
        subject, body = digest_message(form, held[:MAX_LISTED], len(held), settings["digest"])
    digest = mail_queue.add_mail(
        "digest", owner_recipients(form, settings), subject, body, workspace_id=form.workspace_id, form_id=form.id,
    )
    db.session.flush()  # the digest's row first: the bundled mails point at it
    for mail in held:
        mail.status, mail.digest_id, mail.next_attempt_at = "bundled", digest.id, None
    return digest
