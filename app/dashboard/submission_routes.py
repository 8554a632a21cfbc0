"""A form's submissions: table with search and pages, detail with deliveries, CSV export, delete."""

import json
import math

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import String, and_, cast, func, or_

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404, scoped
from app.core.timezones import current_zone
from app.dashboard import bp
from app.dashboard.csv_export import csv_lines
from app.dashboard.time_filters import local_bound, within
from app.fields import field_type
from app.models import Form, Mail, Submission
from app.models.submissions import ACCEPTED
from app.services import data_requests
from app.spam.reasons import describe_all

PER_PAGE = 25
EXPORT_BATCH = 500
LIKE_ESCAPE = "!"
NEWEST_FIRST = (Submission.created_at.desc(), Submission.id.desc())


def _like(term):
    return "%" + "".join(LIKE_ESCAPE + ch if ch in "%_!" else ch for ch in term) + "%"


def _search(query, term):
    """Match term in any answer; JSON may store accents as \\u escapes, so look for both spellings."""
    spellings = {term, json.dumps(term)[1:-1]}
    answers_text = cast(Submission.answers, String)
    return query.where(or_(*(answers_text.ilike(_like(text), escape=LIKE_ESCAPE) for text in spellings)))


def _form_submissions(form, term=None, days=(None, None), status=ACCEPTED):
    query = scoped(Submission, form.workspace_id).where(Submission.form_id == form.id, Submission.status == status)
    query = within(query, Submission.created_at, *days)
    return _search(query, term) if term else query


def _days():
    """The ?from= and ?to= dates (local days of the workspace) as a UTC [start, end) pair."""
    return local_bound(request.args, "from", _("From")), local_bound(request.args, "to", _("To"), end=True)


def _list_args(term):
    """The list's search and dates, for links that keep them (pages, export)."""
    return {"q": term or None, "from": request.args.get("from") or None, "to": request.args.get("to") or None}


def page_number():
    """The ?page= of a paged list: 1 for a missing or unreadable one."""
    try:
        return max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return 1


@bp.route("/forms/<form_id>/submissions")
@login_required
def submissions_index(form_id):
    """List a form's submissions, newest first, with search and pages."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    term = _search_term()
    query = _form_submissions(form, term, _days())
    total = db.session.scalar(query.with_only_columns(func.count()).order_by(None))
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(page_number(), pages)
    rows = db.session.scalars(
        query.order_by(*NEWEST_FIRST).offset((page - 1) * PER_PAGE).limit(PER_PAGE)
    ).all()
    columns = [field for field in form.fields if field_type(field.type).shown_in_table][:4]
    return render_template(
        "dashboard/submissions_index.html", form=form, submissions=rows, columns=columns,
        term=term, page=page, pages=pages, total=total, list_args=_list_args(term),
        filtered=bool(term or request.args.get("from") or request.args.get("to")),
    )


def _submission_or_404(form_id, submission_id):
    workspace_id = current_workspace_id()
    form = get_scoped_or_404(Form, form_id, workspace_id)
    submission = get_scoped_or_404(Submission, submission_id, workspace_id)
    if submission.form_id != form.id:
        abort(404)
    return form, submission


@bp.route("/forms/<form_id>/submissions/<submission_id>")
@login_required
def submission_detail(form_id, submission_id):
    """Show one submission: answers, meta, what each webhook did with it, and its mail."""
    form, submission = _submission_or_404(form_id, submission_id)
    deliveries = sorted(submission.deliveries, key=lambda d: d.id)
    mails = db.session.scalars(
        scoped(Mail, form.workspace_id).where(Mail.submission_id == submission.id).order_by(Mail.id)
    ).all()
    return render_template(
        "dashboard/submission_detail.html", form=form, submission=submission, deliveries=deliveries,
        spam_reasons=describe_all(submission.spam_reasons),
        mails=mails, confirm=ConfirmForm(),
    )


@bp.route("/forms/<form_id>/submissions/<submission_id>/delete", methods=["GET", "POST"])
@login_required
def submission_delete(form_id, submission_id):
    """Ask, then delete one submission with every trace: files, deliveries and their attempts, mails."""
    form, submission = _submission_or_404(form_id, submission_id)
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        data_requests.delete_submission(submission, user=current_user)
        flash(_("Submission deleted."), "info")
        return redirect(url_for("dashboard.submissions_index", form_id=form.id))
    return render_template("dashboard/submission_delete.html", form=form, submission=submission, confirm=confirm)


def _search_term():
    return request.args.get("q", "").strip()[:200]


def _batches(form, term=None, days=(None, None)):
    """Every submission of form (matching term and days), newest first, in keyset batches while the response streams."""
    last = None
    while True:
        query = _form_submissions(form, term, days).order_by(*NEWEST_FIRST).limit(EXPORT_BATCH)
        if last is not None:
            query = query.where(or_(
                Submission.created_at < last.created_at,
                and_(Submission.created_at == last.created_at, Submission.id < last.id),
            ))
        batch = db.session.scalars(query).all()
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1]
        db.session.expunge_all()


@bp.route("/forms/<form_id>/submissions.csv")
@login_required
def submissions_export(form_id):
    """Stream the submissions the list shows (its ?q= search, ?from=/?to= days) as CSV (UTF-8, BOM), newest first.

    The header row holds the fields' labels; ?headers=keys gives their keys instead.
    """
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    filename = f"{form.public_id}-submissions.csv"
    by = "keys" if request.args.get("headers") == "keys" else "labels"
    return Response(
        stream_with_context(csv_lines(form.fields, _batches(form, _search_term(), _days()), by, current_zone())),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
