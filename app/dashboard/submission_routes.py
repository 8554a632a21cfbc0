"""A form's submissions: table with search and pages, detail with deliveries, CSV export, delete."""

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404, scoped
from app.core.timezones import current_zone
from app.dashboard import bp
from app.dashboard.csv_export import csv_lines
from app.dashboard.list_pages import SEARCH_COUNT_CAP, newest_first_page
from app.dashboard.time_filters import local_bound
from app.fields import field_type
from app.models import Form, Mail, Submission
from app.services import data_requests
from app.services.submission_rows import CSV_COLUMNS, form_submissions, in_batches, in_chunks, matching
from app.services.submission_search import search
from app.spam.reasons import describe_all

EXPORT_BATCH = 500


def _days():
    """The ?from= and ?to= dates (local days of the workspace) as a UTC [start, end) pair."""
    return local_bound(request.args, "from", _("From")), local_bound(request.args, "to", _("To"), end=True)


def _list_args(term):
    """The list's search and dates, for links that keep them (pages, export)."""
    return {"q": term or None, "from": request.args.get("from") or None, "to": request.args.get("to") or None}


@bp.route("/forms/<form_id>/submissions")
@login_required
def submissions_index(form_id):
    """List a form's submissions, newest first, with search and pages."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    term = _search_term()
    query = form_submissions(form, _days())
    window = None
    if term:
        found = search(query, term)
        query, window = found.query, found.window
    page = newest_first_page(query, Submission, cap=SEARCH_COUNT_CAP if term else None)
    columns = [field for field in form.fields if field_type(field.type).shown_in_table][:4]
    return render_template(
        "dashboard/submissions_index.html", form=form, submissions=page.rows, columns=columns,
        term=term, page=page, list_args=_list_args(term), search_window=window, confirm=ConfirmForm(),
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


@bp.route("/forms/<form_id>/submissions.csv")
@login_required
def submissions_export(form_id):
    """Stream the submissions the list shows (its ?q= search, ?from=/?to= days) as CSV (UTF-8, BOM), newest first.

    The header row holds the fields' labels; ?headers=keys gives their keys instead.
    """
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    filename = f"{form.public_id}-submissions.csv"
    by = "keys" if request.args.get("headers") == "keys" else "labels"
    rows = in_batches(matching(form, _search_term(), _days()), EXPORT_BATCH, CSV_COLUMNS)
    return Response(
        stream_with_context(in_chunks(csv_lines(form.fields, rows, by, current_zone()))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
