"""Deletions people ask for, each written to the audit trail with what it removed.

One submission, every submission a filter finds, or every submission holding an email (a data
subject request). The trail never holds the email itself: a masked form to recognise it and a
keyed hash to tell it again.
"""

from app.core.extensions import db
from app.services import audit, email_matches, erasure
from app.services.erasure_leftovers import erase_leftovers

SUBMISSION_DELETED = "submission_deleted"
SUBMISSIONS_DELETED = "submissions_deleted"
EMAIL_ERASED = "email_erased"
ACTIONS = (SUBMISSION_DELETED, SUBMISSIONS_DELETED, EMAIL_ERASED)


def _audited(workspace_id, action, removed, details, user, actor):
    event = audit.record_workspace_event(
        workspace_id, action, {**details, "removed": removed.as_dict()}, user=user, actor=actor,
    )
    db.session.commit()
    return event


def delete_submission(submission, user=None, actor=None):
    """Delete one submission with every trace; return the audit event."""
    workspace_id, details = submission.workspace_id, {"submission_id": submission.id, "form_id": submission.form_id}
    removed = erasure.delete_submissions(workspace_id, [submission.id])
    return _audited(workspace_id, SUBMISSION_DELETED, removed, details, user, actor)


def delete_filtered(workspace_id, query, described_filter, user=None, actor=None):
    """Delete every submission query finds (the caller scopes it); return the audit event."""
    removed = erasure.delete_matching(workspace_id, query)
    return _audited(workspace_id, SUBMISSIONS_DELETED, removed, {"filter": described_filter}, user, actor)


def preview_email(workspace_id, email):
    """How many of the workspace's submissions hold email."""
    ids = email_matches.submissions_holding(workspace_id, email)
    return len(ids)


def erase_email(workspace_id, email, user=None, actor=None):
    """Delete every submission of the workspace holding email, with every trace; return the audit event."""
    ids = email_matches.submissions_holding(workspace_id, email)
    pattern = email_matches.address_pattern(email)
    removed = erasure.delete_submissions(workspace_id, ids, pattern=pattern)
    erase_leftovers(workspace_id, email_matches.normalized(email), pattern, removed)
    details = {
        "email": email_matches.masked_email(email), "email_hmac": email_matches.email_digest(email),
    }
    return _audited(workspace_id, EMAIL_ERASED, removed, details, user, actor)


def history(workspace_id, limit=50):
    """The workspace's deletions, newest first."""
    return audit.workspace_events(workspace_id, ACTIONS, limit)
