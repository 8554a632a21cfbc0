"""Deleting submissions with every trace: files, deliveries and their attempts, mails, inspector copies.

One path for a single delete, a bulk delete by filter and a data subject request. Rows go in
batches, each its own short transaction; file objects are deleted once the rows naming them are
gone (what the store refuses now, the orphan sweep removes). A delivery deleted here while its job
waits in the queue finds no row and does nothing; one in flight leaves no record either, as the
recorder and this lock deliveries in the same order: one waits for the other.
"""

from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import String, cast, delete, select

from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Attempt, CaptureBin, CapturedRequest, CsvExport, Delivery, Mail, StoredFile, Submission
from app.services import uploads
from app.spam import signals

BATCH = 200
# the mails that quote a submission's answers
SUBMISSION_MAIL_KINDS = ("owner", "autoresponse", "digest")


@dataclass
class Removed:
    """How many of each thing a deletion removed (what the audit record and the confirmation say)."""

    submissions: int = 0
    files: int = 0
    deliveries: int = 0
    attempts: int = 0
    mails: int = 0
    captures: int = 0
    exports: int = 0  # mailed CSV exports of the forms concerned, which may quote what went

    def add(self, other):
        for name, count in asdict(other).items():
            setattr(self, name, getattr(self, name) + count)

    def as_dict(self):
        return asdict(self)


def count_deleted(statement):
    """How many rows a bulk DELETE removed."""
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0


def copies_naming(workspace_id, ids, pattern=None):
    """Ids of the workspace's captured requests whose headers or body name any of ids, or match pattern."""
    text = CapturedRequest.body + cast(CapturedRequest.headers, String)
    bins = select(CaptureBin.id).where(CaptureBin.workspace_id == workspace_id)
    # bins keep a bounded number of requests each, so this reads little even for a big workspace
    rows = db.session.execute(select(CapturedRequest.id, text).where(CapturedRequest.bin_id.in_(bins))).all()
    return [
        row_id for row_id, haystack in rows
        if any(object_id in (haystack or "") for object_id in ids) or (pattern and pattern.search(haystack or ""))
    ]


def _exports_of(workspace_id, form_ids):
    """The workspace's mailed CSV exports of these forms (their files may hold the rows being deleted)."""
    if not form_ids:
        return []
    return db.session.scalars(scoped(CsvExport, workspace_id).where(CsvExport.form_id.in_(form_ids))).all()


def _scrub_digests(mail_rows):
    """Take the deleted mails' text out of the digests that bundled them (the digest stays for the others)."""
    placeholder = _("(a submission deleted on request)")
    for digest_id, body in {(row.digest_id, row.body) for row in mail_rows if row.digest_id}:
        digest = db.session.get(Mail, digest_id)
        if digest is not None and body.strip():
            digest.body = digest.body.replace(body.strip(), placeholder)


def _delete_batch(workspace_id, submission_ids, pattern=None):
    """Delete these submissions (all of workspace_id) and everything about them; return (Removed, file keys)."""
    removed = Removed()
    # locked in id order, as the recorder locks the deliveries it writes attempts for: one waits for the other
    delivery_ids = list(db.session.scalars(
        select(Delivery.id).where(Delivery.submission_id.in_(submission_ids)).order_by(Delivery.id).with_for_update()
    ))
    file_keys = list(db.session.scalars(
        select(StoredFile.storage_key).where(StoredFile.submission_id.in_(submission_ids))
    ))
    mail_rows = db.session.execute(
        select(Mail.id, Mail.digest_id, Mail.body).where(Mail.submission_id.in_(submission_ids))
    ).all()
    _scrub_digests(mail_rows)
    copies = copies_naming(workspace_id, [*submission_ids, *delivery_ids], pattern)
    answers = db.session.execute(
        select(Submission.form_id, Submission.answers).where(Submission.id.in_(submission_ids))
    ).all()
    if delivery_ids:
        removed.attempts = count_deleted(delete(Attempt).where(Attempt.delivery_id.in_(delivery_ids)))
        removed.deliveries = count_deleted(delete(Delivery).where(Delivery.id.in_(delivery_ids)))
    if mail_rows:
        removed.mails = count_deleted(delete(Mail).where(Mail.id.in_([row.id for row in mail_rows])))
    if copies:
        removed.captures = count_deleted(delete(CapturedRequest).where(CapturedRequest.id.in_(copies)))
    exports = _exports_of(workspace_id, {row.form_id for row in answers})
    if exports:
        file_keys += [export.storage_key for export in exports]
        removed.exports = count_deleted(delete(CsvExport).where(CsvExport.id.in_([e.id for e in exports])))
    removed.files = count_deleted(delete(StoredFile).where(StoredFile.submission_id.in_(submission_ids)))
    removed.submissions = count_deleted(
        delete(Submission).where(Submission.workspace_id == workspace_id, Submission.id.in_(submission_ids))
    )
    return removed, file_keys, answers


def _delete_and_commit(workspace_id, submission_ids, pattern, removed):
    batch, file_keys, answers = _delete_batch(workspace_id, submission_ids, pattern)
    db.session.commit()
    db.session.expire_all()  # rows deleted in bulk must not linger in the session
    uploads.delete_objects(file_keys)
    for form_id, answer in answers:
        signals.forget(form_id, answer)  # the spam check's memory of these answers goes too
    removed.add(batch)


def delete_submissions(workspace_id, submission_ids, pattern=None):
    """Delete the workspace's submissions of these ids with every trace, BATCH at a time; return Removed.

    pattern (e.g. the address of a data subject request) also removes the inspector copies it matches.
    Commits each batch.
    """
    removed = Removed()
    ids = list(dict.fromkeys(submission_ids))
    for start in range(0, len(ids), BATCH):
        _delete_and_commit(workspace_id, ids[start:start + BATCH], pattern, removed)
    return removed


def delete_matching(workspace_id, query):
    """Delete every submission a select of Submission rows finds (scoped by the caller); return Removed.

    A batch of ids at a time: each batch is gone before the next is asked for, so the ids of a
    million rows are never all in memory.
    """
    removed, ids_query = Removed(), query.with_only_columns(Submission.id).order_by(None).limit(BATCH)
    while ids := list(db.session.scalars(ids_query)):
        before = removed.submissions
        _delete_and_commit(workspace_id, ids, None, removed)
        if removed.submissions == before:  # rows of another workspace: never deleted here, so stop
            break
    return removed


def form_leftovers(workspace_id, form_id):
    """Before a form is deleted: delete the mails quoting its submissions; return its CSV exports' storage keys.

    The database takes the rest along with the form (submissions, files' rows, webhooks, deliveries);
    mails outlive a form by design (SET NULL), so these go here. Delete the keys after the commit.
    """
    count_deleted(delete(Mail).where(Mail.workspace_id == workspace_id, Mail.form_id == form_id,
                                     Mail.kind.in_(SUBMISSION_MAIL_KINDS)))
    return [export.storage_key for export in _exports_of(workspace_id, {form_id})]
