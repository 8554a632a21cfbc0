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


# what a CSV row needs: plain rows of these, not objects the session tracks, cost the least memory
CSV_COLUMNS = (Submission.id, Submission.created_at, Submission.answers, Submission.meta)


def in_batches(query, batch, columns=None):
    """Yield query's submissions newest first, batch per statement, each batch one index range after the last.

    With columns, plain rows of those columns (which must include id and created_at); else objects,
    which the session forgets batch by batch. Memory stays that of one batch however many there are.
    """
    if columns is not None:
        query = query.with_only_columns(*columns)
    key = tuple_(Submission.created_at, Submission.id)
    last = None
    while True:
        page = query.order_by(*NEWEST_FIRST).limit(batch)
        if last is not None:
            page = page.where(key < (last.created_at, last.id))
        rows = (db.session.execute(page) if columns is not None else db.session.scalars(page)).all()
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]
        if columns is None:
            db.session.expunge_all()


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
