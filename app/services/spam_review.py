"""The owner's verdict on a held submission: release it (it is delivered then) or delete it."""

import secrets

from app.core.extensions import db
from app.delivery import outbox
from app.models.submissions import ACCEPTED
from app.services import data_requests
from app.services.submission_effects import add_submission_effects

FORM_TOKEN_BYTES = 24


def release(form, submission):
    """Accept a held submission: add what it sets off, commit, then queue its deliveries."""
    submission.status = ACCEPTED
    submission.spam_reasons = None
    deliveries = add_submission_effects(form, submission)
    db.session.commit()
    outbox.enqueue_pending(deliveries, new=True)
    return deliveries


def delete_submission(submission, user=None):
    """Delete a held submission with every trace (its files, mails, copies), on the audit trail."""
    return data_requests.delete_submission(submission, user=user)


def new_form_token(form):
    """Give form a fresh token for servers that post to it; return it. The caller commits."""
    form.spam_token = "fht_" + secrets.token_urlsafe(FORM_TOKEN_BYTES)
    return form.spam_token
