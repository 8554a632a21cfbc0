"""Settings → Data: delete a person's submissions on request, download everything, see what was deleted."""

from flask import Response, abort, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.auth.team import can_manage
from app.auth.workspaces import current_membership
from app.core.timezones import current_zone
from app.dashboard import bp
from app.dashboard.data_export import zip_chunks
from app.dashboard.data_forms import ErasureRequestForm
from app.services import data_requests, workspace_export
from app.services.email_matches import masked_email

EXPORT_OWNER_ROLE = "owner"


def _membership():
    membership = current_membership()
    if membership is None:
        abort(404)
    return membership


def _manager():
    """The caller's membership when they are an owner or admin of the workspace; 403 otherwise."""
    membership = _membership()
    if not can_manage(membership):
        abort(403)
    return membership


def _owner():
    membership = _membership()
    if membership.role != EXPORT_OWNER_ROLE:
        abort(403)
    return membership


def removed_summary(removed):
    """What a deletion removed, as one sentence of counts."""
    text = _(
        "%(submissions)s, %(files)s, %(deliveries)s with %(attempts)s, %(mails)s and %(captures)s.",
        submissions=ngettext("%(num)d submission", "%(num)d submissions", removed.get("submissions", 0)),
        files=ngettext("%(num)d file", "%(num)d files", removed.get("files", 0)),
        deliveries=ngettext("%(num)d delivery", "%(num)d deliveries", removed.get("deliveries", 0)),
        attempts=ngettext("%(num)d attempt", "%(num)d attempts", removed.get("attempts", 0)),
        mails=ngettext("%(num)d mail", "%(num)d mails", removed.get("mails", 0)),
        captures=ngettext("%(num)d inspector copy", "%(num)d inspector copies", removed.get("captures", 0)),
    )
    exports = removed.get("exports", 0)
    if exports:
        text += " " + ngettext("%(num)d mailed CSV export of those forms was withdrawn.",
                               "%(num)d mailed CSV exports of those forms were withdrawn.", exports)
    return text


FILTER_LABELS = {"form": _l("Form"), "status": _l("Status"), "q": _l("Search"), "from": _l("From"), "to": _l("To")}
STATUS_LABELS = {"accepted": _l("accepted"), "spam": _l("spam")}


def filter_text(filters):
    """A bulk delete's filter in words: `Form: Leads, Status: spam, From: 2026-12-01`."""
    return ", ".join(
        f"{FILTER_LABELS.get(name, name)}: {STATUS_LABELS.get(value, value) if name == 'status' else value}"
        for name, value in (filters or {}).items()
    )


def _render(membership, form, status=200):
    return render_template(
        "dashboard/data_settings.html", form=form, workspace=membership.workspace,
        may_erase=can_manage(membership), may_export=membership.role == EXPORT_OWNER_ROLE,
        history=data_requests.history(membership.workspace_id), summary=removed_summary,
        filter_text=filter_text,
    ), status


@bp.route("/settings/data")
@login_required
def data_settings():
    """Show the data subject request form, the export downloads and the deletions made so far."""
    return _render(_membership(), ErasureRequestForm(formdata=None))


@bp.route("/settings/data/erase", methods=["POST"])
@login_required
def data_erase():
    """First post: how many submissions hold the email, and a confirm button. Second (confirmed): delete them."""
    membership = _manager()
    form = ErasureRequestForm()
    if not form.validate():
        return _render(membership, form, 422)
    email = form.email.data
    if form.confirmed.data != "yes":
        count = data_requests.preview_email(membership.workspace_id, email)
        form.confirmed.data = "yes"
        return render_template("dashboard/data_erase_confirm.html", form=form, count=count)
    event = data_requests.erase_email(membership.workspace_id, email, user=current_user)
    flash(_("Deleted everything held about %(email)s: %(summary)s",
            email=masked_email(email), summary=removed_summary(event.changes["removed"])), "success")
    return redirect(url_for("dashboard.data_settings"), code=303)


def _download(chunks, mimetype, filename):
    return Response(
        stream_with_context(chunks), mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/settings/data/export.json")
@login_required
def data_export_json():
    """Stream everything the workspace holds as one JSON file (owners only)."""
    membership = _owner()
    return _download(workspace_export.json_chunks(membership.workspace_id), "application/json",
                     "formhook-export.json")


@bp.route("/settings/data/export.zip")
@login_required
def data_export_zip():
    """Stream the JSON file and one CSV of submissions per form, zipped (owners only)."""
    membership = _owner()
    return _download(zip_chunks(membership.workspace_id, current_zone()), "application/zip", "formhook-export.zip")
