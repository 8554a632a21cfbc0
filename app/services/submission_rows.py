"""A form's submissions as the list and the exports read them: filtered, newest first, in keyset batches."""

from sqlalchemy import tuple_

from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Submission
from app.models.submissions import ACCEPTED
from app.services.submission_search import search

NEWEST_FIRST = (Submission.created_at.desc(), Submission.id.desc())


def form_submissions(form, days=(None, None), status=ACCEPTED):
    """The form's submissions of one status, within days (a UTC [start, end) pair of which either may be None)."""
    query = scoped(Submission, form.workspace_id).where(Submission.form_id == form.id, Submission.status == status)
    since, until = days
    if since is not None:
        query = query.where(Submission.created_at >= since)
    if until is not None:
        query = query.where(Submission.created_at < until)
    return query


def matching(form, term=None, days=(None, None)):
    """Every submission of form matching term and days (an export reads them all, so the search is unbounded)."""
    query = form_submissions(form, days)
    return search(query, term, bounded=False).query if term else query


def in_batches(query, batch):
    """Yield query's rows newest first, batch rows per statement, each batch one index range after the last.

    The session forgets each batch before the next, so memory stays that of one batch.
    """
    key = tuple_(Submission.created_at, Submission.id)
    last = None
    while True:
        page = query if last is None else query.where(key < (last.created_at, last.id))
        rows = db.session.scalars(page.order_by(*NEWEST_FIRST).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]
        db.session.expunge_all()
