"""Mail about a submission: the owners' notification (or its place in the digest) and the autoresponse.

add_submission_mail(form, submission) is the one entry point. Intake calls it where it adds
the deliveries, in the same transaction; releasing a submission held as suspected spam calls
it then (a held submission is not notified). Each message is a Mail row that the queue sends
after the commit, so SMTP never holds up, or fails, the submission or its webhooks. Calling
it again for the same submission adds nothing: each message is written once.
"""

from flask_babel import force_locale
from sqlalchemy import inspect

from app.core.extensions import db
from app.core.i18n import LANGUAGES, form_locale
from app.models import Mail, Membership, User
from app.services import mail_queue
from app.services.notification_settings import owners_told, settings_of
from app.services.notification_texts import autoresponse_message, owner_language, owner_message

MAX_ADDRESS = 254


def add_submission_mail(form, submission):
    """Add the mail a submission asks for; the caller commits. Return the Mail rows added."""
    settings = settings_of(form)
    if not owners_told(settings) and not settings["autoresponder"]:
        return []
    already = _kinds_written(submission)
    added = []
    if owners_told(settings) and "owner" not in already:
        added.append(_owner_mail(form, submission, settings))
    if settings["autoresponder"] and "autoresponse" not in already:
        mail = _autoresponse(form, submission, settings["autoresponder"])
        if mail is not None:
            added.append(mail)
    return added


def _kinds_written(submission):
    """The kinds of mail already written for a submission (none for one not stored yet)."""
    if not inspect(submission).persistent:
        return set()
    return set(db.session.scalars(
        db.select(Mail.kind).where(Mail.submission_id == submission.id, Mail.kind.in_(("owner", "autoresponse")))
    ))


def owner_recipients(form, settings):
    """The chosen members' current addresses (members still) and the extra addresses."""
    members = []
    if settings["members"]:
        members = db.session.scalars(
            db.select(User.email).join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == form.workspace_id, User.id.in_(settings["members"]))
        ).all()
    return sorted(set(members) | set(settings["emails"]))


def respondent_address(form, submission, settings):
    """The respondent's address: the autoresponder's field, else the first answered email field."""
    answers = submission.answers or {}
    keys = [settings["autoresponder"]["field"]] if settings["autoresponder"] else []
    keys += [field.key for field in form.fields if field.type == "email"]
    for key in keys:
        address = _address(answers.get(key))
        if address:
            return address
    return None


def _address(value):
    """An answer usable as an address in a header: one word with an @ (email fields checked its shape)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_ADDRESS or "@" not in value or any(ch.isspace() or ch in ",;<>\"" for ch in value):
        return None
    return value


def _owner_mail(form, submission, settings):
    with force_locale(owner_language(form)):
        subject, body = owner_message(form, submission, settings)
    return mail_queue.add_mail(
        "owner", owner_recipients(form, settings), subject, body,
        status="held" if settings["digest"] != "off" else "pending",
        workspace_id=form.workspace_id, form_id=form.id, submission_id=submission.id,
        reply_to=respondent_address(form, submission, settings), dedupe_key=f"owner:{submission.id}",
    )


def respondent_language(form, submission):
    """The language the visitor was answered in (kept with the submission), else the form's for this request."""
    return submission.language if submission.language in LANGUAGES else form_locale(form)


def _autoresponse(form, submission, autoresponder):
    address = _address((submission.answers or {}).get(autoresponder["field"]))
    if address is None:
        return None  # the field was left empty (or hidden by logic): no one to confirm to
    with force_locale(respondent_language(form, submission)):
        subject, body = autoresponse_message(form, submission, autoresponder)
    return mail_queue.add_mail(
        "autoresponse", [address], subject, body,
        workspace_id=form.workspace_id, form_id=form.id, submission_id=submission.id,
        dedupe_key=f"autoresponse:{submission.id}",
    )
