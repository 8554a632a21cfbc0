"""What a data subject request must also find outside the submissions it deletes.

Before deletions took everything along, deleting a submission left its deliveries and mails
behind, unlinked (submission_id NULL), and a digest may still quote a mail deleted then. Those
rows hold the answers too: the ones holding the address are deleted, and a digest keeps its row
with the address masked.
"""

from sqlalchemy import String, cast, delete, or_

from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Attempt, CapturedRequest, Delivery, Mail
from app.services.email_matches import masked_email, mentions
from app.services.erasure import copies_naming, count_deleted

MAIL_TEXT = (Mail.body, cast(Mail.recipients, String), Mail.reply_to)


def _unlinked_deliveries(workspace_id, email, pattern):
    payload = cast(Delivery.payload, String)
    rows = db.session.execute(
        scoped(Delivery, workspace_id).where(Delivery.submission_id.is_(None), mentions(payload, email))
        .with_only_columns(Delivery.id, payload).order_by(Delivery.id).with_for_update()
    ).all()
    return [delivery_id for delivery_id, payload in rows if pattern.search(payload or "")]


def _unlinked_mails(workspace_id, email, pattern):
    rows = db.session.execute(
        scoped(Mail, workspace_id).where(Mail.submission_id.is_(None), Mail.kind != "digest",
                                         or_(*(mentions(column, email) for column in MAIL_TEXT)))
        .with_only_columns(Mail.id, *MAIL_TEXT)
    ).all()
    return [row[0] for row in rows if any(pattern.search(text or "") for text in row[1:])]


def _mask_digests(workspace_id, email, pattern):
    """Mask the address in every digest of the workspace that still quotes it."""
    digests = db.session.scalars(
        scoped(Mail, workspace_id).where(Mail.kind == "digest", mentions(Mail.body, email))
    ).all()
    for digest in digests:
        digest.body = pattern.sub(masked_email(email), digest.body)


def erase_leftovers(workspace_id, email, pattern, removed):
    """Delete the unlinked deliveries (with their attempts), inspector copies and mails holding the address.

    Adds what went to removed; the caller commits.
    """
    delivery_ids = _unlinked_deliveries(workspace_id, email, pattern)
    if delivery_ids:
        removed.attempts += count_deleted(delete(Attempt).where(Attempt.delivery_id.in_(delivery_ids)))
        removed.deliveries += count_deleted(delete(Delivery).where(Delivery.id.in_(delivery_ids)))
    copies = copies_naming(workspace_id, delivery_ids, pattern)  # also when no submission held it any more
    if copies:
        removed.captures += count_deleted(delete(CapturedRequest).where(CapturedRequest.id.in_(copies)))
    mail_ids = _unlinked_mails(workspace_id, email, pattern)
    if mail_ids:
        removed.mails += count_deleted(delete(Mail).where(Mail.id.in_(mail_ids)))
    _mask_digests(workspace_id, email, pattern)
    return removed
