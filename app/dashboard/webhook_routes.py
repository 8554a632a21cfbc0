"""Settings → Webhook URL: the form's webhook and its signing secret."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.workspaces import current_workspace_id
from app.dashboard import bp
from app.dashboard.forms import WebhookUrlForm
from app.extensions import db
from app.models import Form, Webhook
from app.observability.audit import record_webhook_change, snapshot
from app.services.webhooks import validate_webhook
from app.tenancy import get_scoped_or_404


def _first_webhook(form):
    return db.session.scalar(select(Webhook).where(Webhook.form_id == form.id).order_by(Webhook.created_at))


@bp.route("/forms/<form_id>/settings/webhook", methods=["GET", "POST"])
@login_required
def webhook_settings(form_id):
    """Save the form's webhook URL template and show its signing secret."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    webhook = _first_webhook(form)
    url_form = WebhookUrlForm(obj=webhook)
    warnings = []
    if url_form.validate_on_submit():
        clean, errors, warnings = validate_webhook(
            {"url": url_form.url.data, "enabled": bool(url_form.enabled.data)},
            form.field_keys(), current_app.config["WEBHOOK_ALLOWED_NETWORKS"], partial=True,
        )
        if errors:
            for message in errors.values():
                url_form.url.errors.append(message)
        else:
            before = snapshot(webhook)
            if webhook is None:
                webhook = Webhook(workspace_id=form.workspace_id, form_id=form.id)
                db.session.add(webhook)
            for name, value in clean.items():
                setattr(webhook, name, value)
            if webhook.enabled:
                webhook.disabled_reason = None
            record_webhook_change(webhook, current_user, before)
            db.session.commit()
            flash("Webhook URL saved.", "success")
            for warning in warnings:
                flash(f"Note: {warning}.", "warning")
            return redirect(url_for("dashboard.webhook_settings", form_id=form.id))
    status = 422 if url_form.errors else 200
    return render_template(
        "dashboard/webhook_settings.html", form=form, webhook=webhook, url_form=url_form,
    ), status
