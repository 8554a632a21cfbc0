"""The request inspector's pages: make capture URLs, watch requests arrive, copy a webhook's requests to one."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm, TranslatedForm
from app.core.tenancy import get_scoped_or_404, scoped
from app.core.timezones import localtime_filter
from app.dashboard.url_display import masked_url
from app.inspector import bp, store
from app.models import CaptureBin, Form, Webhook
from app.services import mirrors


class CaptureBinForm(TranslatedForm):
    name = StringField(lazy_gettext("Name"), validators=[DataRequired(), Length(max=120)],
                       default=lambda: _("My test endpoint"))


class CopyDeliveriesForm(TranslatedForm):
    webhook_id = SelectField(lazy_gettext("Webhook"), validators=[DataRequired()])


def capture_url(capture_bin):
    """The capture URL on BASE_URL: never built from the request's Host header."""
    return current_app.config["BASE_URL"] + url_for("inspector.capture", token=capture_bin.token)


def _webhooks(workspace_id):
    return db.session.scalars(
        scoped(Webhook, workspace_id).join(Form, Webhook.form_id == Form.id).order_by(Form.name, Webhook.created_at)
    ).all()


def _webhook_choices(webhooks):
    return [SelectChoice(webhook.id, f"{webhook.form.name} — {masked_url(webhook.url)}") for webhook in webhooks]


@bp.route("/inspector", methods=["GET", "POST"])
@login_required
def index():
    """List the workspace's capture URLs and make a new one."""
    workspace_id = current_workspace_id()
    store.purge_expired()
    db.session.commit()
    bin_form = CaptureBinForm()
    if bin_form.validate_on_submit():
        capture_bin = store.create_bin(workspace_id, bin_form.name.data.strip())
        db.session.commit()
        flash(_("Capture URL created. Send anything to it and watch it arrive here."), "success")
        return redirect(url_for("inspector.show", bin_id=capture_bin.id))
    bins = db.session.scalars(scoped(CaptureBin, workspace_id).order_by(CaptureBin.created_at.desc())).all()
    return render_template(
        "inspector/index.html", bins=bins, bin_form=bin_form, capture_url=capture_url,
    ), 422 if bin_form.errors else 200


@bp.route("/inspector/<bin_id>")
@login_required
def show(bin_id):
    """One capture URL and the requests it recorded; static/inspector.js polls for new ones."""
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, current_workspace_id())
    webhooks = _webhooks(capture_bin.workspace_id)
    copy_form = CopyDeliveriesForm(formdata=None)
    copy_form.webhook_id.choices = _webhook_choices(webhooks)
    # the picker keeps its choice: the webhook just chosen (?webhook=), else one already copying here
    copying = [webhook for webhook in webhooks if webhook.mirror_bin_id == capture_bin.id]
    chosen = request.args.get("webhook") or (copying[0].id if copying else None)
    if chosen in {webhook.id for webhook in webhooks}:
        copy_form.webhook_id.data = chosen
    return render_template(
        "inspector/show.html", capture_bin=capture_bin, url=capture_url(capture_bin),
        captured=store.requests_after(capture_bin), copy_form=copy_form, copying=copying, confirm=ConfirmForm(),
    )


@bp.route("/inspector/<bin_id>/requests.json")
@login_required
def requests_json(bin_id):
    """Requests newer than ?after=<id>, newest first."""
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, current_workspace_id())
    rows = store.requests_after(capture_bin, request.args.get("after") or None)
    # "at" stays UTC ISO-8601; "at_label" is what the page shows, on the workspace's clock
    response = jsonify({"data": [{**row.to_dict(), "at_label": localtime_filter(row.at, "seconds")} for row in rows]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/inspector/<bin_id>/copy", methods=["POST"])
@login_required
def copy_deliveries(bin_id):
    """Record a copy of every request one of the workspace's webhooks sends here; its URL stays as it is."""
    workspace_id = current_workspace_id()
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, workspace_id)
    copy_form = CopyDeliveriesForm()
    copy_form.webhook_id.choices = _webhook_choices(_webhooks(workspace_id))
    if not copy_form.validate_on_submit():
        abort(404 if copy_form.webhook_id.data else 400)
    webhook = get_scoped_or_404(Webhook, copy_form.webhook_id.data, workspace_id)
    mirrors.start_copying(webhook, capture_bin, current_user)
    db.session.commit()
    flash(_("Each request the webhook of “%(form)s” sends now also appears here, as a copy. Its real URL still "
            "receives every delivery. Send a test submission.", form=webhook.form.name), "success")
    return redirect(url_for("inspector.show", bin_id=capture_bin.id, webhook=webhook.id))


@bp.route("/inspector/<bin_id>/copy/<webhook_id>/stop", methods=["POST"])
@login_required
def stop_copy(bin_id, webhook_id):
    """Stop copying a webhook's requests to this capture URL."""
    workspace_id = current_workspace_id()
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, workspace_id)
    webhook = get_scoped_or_404(Webhook, webhook_id, workspace_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if webhook.mirror_bin_id == capture_bin.id:
        mirrors.stop_copying(webhook, current_user)
        db.session.commit()
        flash(_("No more copies of the webhook of “%(form)s” are recorded here.", form=webhook.form.name), "info")
    return redirect(url_for("inspector.show", bin_id=capture_bin.id, webhook=webhook.id))


@bp.route("/inspector/<bin_id>/delete", methods=["POST"])
@login_required
def delete_bin(bin_id):
    """Delete a capture URL and everything it recorded."""
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(capture_bin)
    db.session.commit()
    flash(_("Capture URL deleted."), "info")
    return redirect(url_for("inspector.index"))

