"""Closing rules: a form stops taking answers at its closing time or once it has its number of them."""

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.core.errors import ApiError
from app.core.extensions import db
from app.models import Form, Submission
from app.models.base import utcnow
from app.models.submissions import ACCEPTED

MAX_SUBMISSIONS_LIMIT = 10_000_000
CLOSED_MESSAGE_MAX = 2000


class FormClosed(ApiError):
    """A post to a closed form: 410 with the owner's closed message."""

    def __init__(self, form):
        super().__init__(410, closed_message(form), code="form_closed")
        self.form = form


def closed_message(form):
    """The owner's message for a closed form, or ours."""
    return form.closed_message or _("This form is closed and no longer accepts answers.")


def submission_count(form_id):
    return db.session.scalar(select(func.count()).select_from(Submission)
        .where(Submission.form_id == form_id, Submission.status == ACCEPTED))


def closed_reason(form, now=None):
    """'date' or 'count' when form no longer takes answers, else None."""
    if form.closes_at is not None and (now or utcnow()) >= form.closes_at:
        return "date"
    if form.max_submissions is not None and submission_count(form.id) >= form.max_submissions:
        return "count"
    return None


def check_open(form):
    """Raise FormClosed when form is closed."""
    if closed_reason(form):
        raise FormClosed(form)


def claim_place(form):
    """Inside the intake transaction, before the submission is added: raise FormClosed when full.

    A form with a count holds a write lock on its own row first (a no-op UPDATE: a row lock on
    PostgreSQL, the write lock on SQLite), so two visitors posting at once are counted one after
    the other and the last place is taken once. Forms without a count take no lock.
    """
    if form.closes_at is not None and utcnow() >= form.closes_at:
        raise FormClosed(form)
    if form.max_submissions is None:
        return
    db.session.execute(
        update(Form).where(Form.id == form.id).values(max_submissions=Form.max_submissions)
        .execution_options(synchronize_session=False)
    )
    if submission_count(form.id) >= form.max_submissions:
        raise FormClosed(form)
