"""Delete every submission of a form that the list's filters find (search, dates, status), after a confirm step."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func

from app.auth.team import can_manage
from app.auth.workspaces import current_membership, current_workspace_id
from app.core.extensions import db
from app.core.tenancy import get_scoped_or_404
from app.dashboard import bp
from app.dashboard.data_forms import BulkDeleteForm
from app.dashboard.data_routes import filter_text, removed_summary
from app.dashboard.submission_routes import _days, _search_term
from app.models import Form
from app.models.submissions import ACCEPTED, SPAM
from app.services import data_requests
from app.services.submission_rows import form_submissions
from app.services.submission_search import search


def _status():
    status = request.args.get("status") or ACCEPTED
    if status not in (ACCEPTED, SPAM):
        abort(400, description=_("status: must be accepted or spam"))
    return status


def _described(form, term, status):
    """The filter as the audit trail keeps it (only what was set)."""
    described = {"form": form.name, "status": status, "q": term,
                 "from": request.args.get("from"), "to": request.args.get("to")}
    return {name: value for name, value in described.items() if value}


@bp.route("/forms/<form_id>/submissions/delete", methods=["GET", "POST"])
@login_required
def submissions_bulk_delete(form_id):
    """Show how many submissions the filters find; on confirm, delete them all with every trace."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    if not can_manage(current_membership()):
        abort(403)
    term, status = _search_term(), _status()
    query = form_submissions(form, _days(), status)
    if term:  # every match, not only those a bounded list search shows: the count on the page says how many
        query = search(query, term, bounded=False).query
    confirm = BulkDeleteForm()
    back = url_for("dashboard.spam_index" if status == SPAM else "dashboard.submissions_index", form_id=form.id)
    if confirm.validate_on_submit():
        event = data_requests.delete_filtered(form.workspace_id, query, _described(form, term, status),
                                              user=current_user)
        flash(_("Deleted %(summary)s", summary=removed_summary(event.changes["removed"])), "success")
        return redirect(back, code=303)
    count = db.session.scalar(query.with_only_columns(func.count()).order_by(None))
    return render_template("dashboard/submissions_bulk_delete.html", form=form, confirm=confirm, count=count,
                           back=back, filters=_described(form, term, status), filter_text=filter_text)
