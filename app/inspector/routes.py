"""The request inspector's pages: make capture URLs, watch requests arrive, point a webhook at one."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.auth.workspaces import current_workspace_id
from app.dashboard.forms import ConfirmForm
from app.extensions import db
from app.inspector import bp, store
from app.models import CaptureBin, Form, Webhook
from app.services.webhooks import save_webhook
from app.tenancy import get_scoped_or_404, scoped


class CaptureBinForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)], default="My test endpoint")


class UseForWebhookForm(FlaskForm):
    webhook_id = SelectField("Webhook", validators=[DataRequired()])


def capture_url(capture_bin):
    return url_for("inspector.capture", token=capture_bin.token, _external=True)


def _webhook_choices(workspace_id):
    rows = db.session.execute(
        scoped(Webhook, workspace_id).join(Form, Webhook.form_id == Form.id)
        .with_only_columns(Webhook.id, Form.name, Webhook.url).order_by(Form.name)
    ).all()
    return [SelectChoice(webhook_id, f"{name} — {url}") for webhook_id, name, url in rows]


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
        flash("Capture URL created. Send anything to it and watch it arrive here.", "success")
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
    use_form = UseForWebhookForm(formdata=None)
    use_form.webhook_id.choices = _webhook_choices(capture_bin.workspace_id)
    return render_template(
        "inspector/show.html", capture_bin=capture_bin, url=capture_url(capture_bin),
        captured=store.requests_after(capture_bin), use_form=use_form, confirm=ConfirmForm(),
    )


@bp.route("/inspector/<bin_id>/requests.json")
@login_required
def requests_json(bin_id):
    """Requests newer than ?after=<id>, newest first."""
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, current_workspace_id())
    rows = store.requests_after(capture_bin, request.args.get("after") or None)
    response = jsonify({"data": [row.to_dict() for row in rows]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/inspector/<bin_id>/use", methods=["POST"])
@login_required
def use_for_webhook(bin_id):
    """Point one of the workspace's webhooks at this capture URL."""
    workspace_id = current_workspace_id()
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, workspace_id)
    use_form = UseForWebhookForm()
    use_form.webhook_id.choices = _webhook_choices(workspace_id)
    if not use_form.validate_on_submit():
        abort(404 if use_form.webhook_id.data else 400)
    webhook = get_scoped_or_404(Webhook, use_form.webhook_id.data, workspace_id)
    save_webhook(webhook.form, {"url": capture_url(capture_bin)}, webhook, user=current_user)
    db.session.commit()
    flash(f"The webhook of “{webhook.form.name}” now sends to this capture URL. Send a test submission.", "success")
    return redirect(url_for("inspector.show", bin_id=capture_bin.id))


@bp.route("/inspector/<bin_id>/delete", methods=["POST"])
@login_required
def delete_bin(bin_id):
    """Delete a capture URL and everything it recorded."""
    capture_bin = get_scoped_or_404(CaptureBin, bin_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(capture_bin)
    db.session.commit()
    flash("Capture URL deleted.", "info")
    return redirect(url_for("inspector.index"))

