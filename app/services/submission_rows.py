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


EXPORTED_COLUMNS = (Submission.id, Submission.created_at, Submission.answers, Submission.meta)


def in_batches(query, batch):
    """Yield query's rows newest first (id, created_at, answers, meta), batch rows per statement.

    Each batch is one index range after the last; plain rows, not objects the session keeps,
    so memory stays that of one batch however many rows there are.
    """
    query = query.with_only_columns(*EXPORTED_COLUMNS)
    key = tuple_(Submission.created_at, Submission.id)
    last = None
    while True:
        page = query if last is None else query.where(key < (last.created_at, last.id))
        rows = db.session.execute(page.order_by(*NEWEST_FIRST).limit(batch)).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]


def in_chunks(lines, size=64 * 1024):
    """Join lines into chunks of about size characters: one write per chunk, not per row."""
    chunk, length = [], 0
    for line in lines:
        chunk.append(line)
        length += len(line)
        if length >= size:
            yield "".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk)
