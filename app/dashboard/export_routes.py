"""A big form's CSV export by mail: ask for it from the list, download it from the mailed link."""

from flask import Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404
from app.dashboard import bp
from app.dashboard.background_export import read_export, request_export
from app.dashboard.time_filters import local_bound
from app.models import CsvExport, Form
from app.models.base import utcnow


@bp.route("/forms/<form_id>/submissions/export", methods=["POST"])
@login_required
def submissions_export_by_mail(form_id):
    """Queue the CSV of what the list shows (its search and dates); its link is mailed when written."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    term = request.form.get("q", "").strip()[:200]
    days = (local_bound(request.form, "from", _("From")), local_bound(request.form, "to", _("To"), end=True))
    by = "keys" if request.form.get("headers") == "keys" else "labels"
    request_export(form, current_user, term, days, by)
    db.session.commit()
    flash(_("Writing the CSV now. A link to download it will be mailed to %(email)s.", email=current_user.email),
          "success")
    args = {name: request.form.get(name) or None for name in ("q", "from", "to")}
    return redirect(url_for("dashboard.submissions_index", form_id=form.id, **args), code=303)


@bp.route("/exports/<export_id>.csv")
@login_required
def export_download(export_id):
    """Download a CSV export written by a job, while its link works (404 before it is written, and after)."""
    export = get_scoped_or_404(CsvExport, export_id, current_workspace_id())
    if export.status != "ready" or export.expires_at is None or export.expires_at <= utcnow():
        abort(404)
    try:
        chunks = read_export(export)
        first = next(chunks, b"")
    except KeyError:  # the storage's sweep removed it
        abort(404)
    form = db.session.get(Form, export.form_id)

    def body():
        yield first
        yield from chunks

    return Response(stream_with_context(body()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{form.public_id}-submissions.csv"', "Cache-Control": "no-store",
    })
