"""Settings → Webhook URL: a form's webhooks, created from scratch or from a preset, edited, deleted."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404
from app.dashboard import bp
from app.dashboard.forms import WebhookUrlForm
from app.dashboard.listen_panel import listen_panel
from app.dashboard.webhook_editor import (
    OPERATOR_CHOICES,
    header_row_errors,
    keep_masked_values,
    masked_settings,
    read_editor,
    settings_of,
    state_from_settings,
    unmask_url,
    variable_names,
)
from app.dashboard.webhook_forms import PresetForm, WebhookEditorForm
from app.integrations import presets
from app.models import Delivery, Form, Webhook
from app.services.disabled_reasons import DASHBOARD_REASON
from app.services.webhooks import save_webhook, set_webhook_enabled, validate_webhook

EDITOR_SCALARS = ("name", "url", "method", "format", "body_template", "enabled", "attach_files", "rate_limit")
RECENT_DELIVERIES = 10


def form_or_404(form_id):
    return get_scoped_or_404(Form, form_id, current_workspace_id())


def webhook_or_404(form, webhook_id):
    """The webhook, only when it belongs to this form (and so to this workspace)."""
    webhook = get_scoped_or_404(Webhook, webhook_id, current_workspace_id())
    if webhook.form_id != form.id:
        abort(404)
    return webhook


def _last_deliveries(webhooks):
    """Each webhook's most recent delivery (one indexed lookup each; a form has few webhooks)."""
    latest = {}
    for webhook in webhooks:
        latest[webhook.id] = db.session.scalar(
            select(Delivery).where(Delivery.webhook_id == webhook.id).order_by(Delivery.id.desc()).limit(1)
        )
    return latest


@bp.route("/forms/<form_id>/settings/webhook", methods=["GET", "POST"])
@login_required
def webhook_settings(form_id):
    """List the form's webhooks; a URL pasted in "Add a webhook" becomes a new JSON webhook at once."""
    form = form_or_404(form_id)
    quick = WebhookUrlForm()
    webhooks = db.session.scalars(
        select(Webhook).where(Webhook.form_id == form.id).order_by(Webhook.created_at)
    ).all()
    if quick.validate_on_submit():
        clean, errors, warnings = validate_webhook(
            {"url": quick.url.data}, form.field_keys(), current_app.config["WEBHOOK_ALLOWED_NETWORKS"], partial=True,
        )
        same = next((webhook for webhook in webhooks if webhook.url == clean.get("url")), None)
        if same is not None:
            # pasting an existing URL here is usually an attempt to fix it: a second copy would send every lead twice
            errors["url"] = _("this form already sends to this URL; change that webhook with its Edit button")
        if not errors:
            webhook = save_webhook(form, {"url": clean["url"]}, user=current_user)
            db.session.commit()
            flash(_("Webhook added. Every submission is now also sent there as signed JSON; "
                    "to change a webhook, use its Edit button."), "success")
            for warning in warnings:
                flash(_("Note: %(warning)s.", warning=warning), "warning")
            return redirect(url_for("dashboard.webhook_edit", form_id=form.id, webhook_id=webhook.id))
        quick.url.errors.append(errors.get("url") or _("is not valid"))
    return render_template(
        "dashboard/webhook_list.html", form=form, webhooks=webhooks, presets=presets.PRESETS, quick=quick,
        last_deliveries=_last_deliveries(webhooks), confirm=ConfirmForm(),
    ), 422 if quick.errors else 200


def _render_editor(form, editor, state, webhook=None, errors=None, status=200, recent=()):
    errors = errors or {}
    for name in EDITOR_SCALARS:
        if name in errors:
            getattr(editor, name).errors.append(errors[name])
    return render_template(
        "dashboard/webhook_edit.html", form=form, webhook=webhook, editor=editor, state=state,
        errors=errors, variables=variable_names(form), operators=OPERATOR_CHOICES, confirm=ConfirmForm(),
        recent=recent, listen=listen_panel(webhook) if webhook else None,
    ), status


def _editor_for(state):
    data = state.data
    return WebhookEditorForm(
        formdata=None, name=data.get("name"), url=data.get("url"), method=data.get("method") or "POST",
        format=data.get("format") or "json", body_template=data.get("body_template"),
        match=(data.get("conditions") or {}).get("match", "all"), enabled=data.get("enabled", True),
        attach_files=data.get("attach_files", False), rate_limit=data.get("rate_limit"),
    )


def _save(form, webhook, editor):
    """Validate the posted editor; save and redirect, or re-render with field errors (422)."""
    state = read_editor(request.form)
    posted_url = state.data["url"]
    if webhook is not None:
        keep_masked_values(state.data["headers"], webhook.headers or {})
        state.data["url"] = unmask_url(posted_url, webhook.url)
    if not editor.validate_on_submit():
        return _render_editor(form, editor, state, webhook, status=422)
    if state.data["url"] is None:
        state.data["url"] = posted_url
        errors = {"url": _("press Reveal before changing the masked part of the URL")}
    else:
        errors = {}
    clean, more_errors, warnings = validate_webhook(
        state.data, form.field_types(), current_app.config["WEBHOOK_ALLOWED_NETWORKS"],
    )
    errors = header_row_errors(state, {**more_errors, **errors})
    if errors:
        flash(_("The webhook was not saved: fix the fields marked below."), "error")
        return _render_editor(form, editor, state, webhook, errors=errors, status=422)
    created = webhook is None
    webhook = save_webhook(form, clean, webhook, user=current_user)
    db.session.commit()
    flash(_("Webhook created.") if created else _("Webhook saved."), "success")
    for warning in warnings:
        flash(_("Note: %(warning)s.", warning=warning), "warning")
    return redirect(url_for("dashboard.webhook_edit", form_id=form.id, webhook_id=webhook.id))


@bp.route("/forms/<form_id>/webhooks/new", methods=["GET", "POST"])
@login_required
def webhook_new(form_id):
    """Create a webhook; ?preset=name first asks for that service's details."""
    form = form_or_404(form_id)
    preset = presets.PRESETS.get(request.args.get("preset", ""))
    if request.method == "GET" and preset is not None:
        return _render_preset(form, preset, PresetForm(), {}, {})
    if request.method == "POST":
        return _save(form, None, WebhookEditorForm())
    state = state_from_settings({"url": "", "method": "POST", "format": "json", "enabled": True})
    return _render_editor(form, _editor_for(state), state)


def _render_preset(form, preset, preset_form, values, errors, status=200):
    return render_template(
        "dashboard/webhook_preset.html", form=form, preset=preset, preset_form=preset_form, values=values,
        errors=errors, missing=presets.missing_fields(preset, form),
    ), status


@bp.route("/forms/<form_id>/webhooks/new/<preset_name>", methods=["POST"])
@login_required
def webhook_from_preset(form_id, preset_name):
    """Fill the editor from a preset's answers; only the missing fields the user ticked are saved now."""
    form = form_or_404(form_id)
    preset = presets.PRESETS.get(preset_name) or abort(404)
    preset_form = PresetForm()
    values = {param.name: request.form.get(param.name, "") for param in preset.params}
    if not preset_form.validate_on_submit():
        abort(400)
    settings, errors = presets.build(preset_name, values, form)
    field_errors, added = preset_actions.add_missing_fields(form, preset, request.form)
    errors = {**(errors or {}), **field_errors}
    if errors:
        db.session.rollback()
        return _render_preset(form, preset, preset_form, values, errors, status=422)
    if added:
        db.session.commit()
        flash(_("Added hidden fields %(keys)s to the form, with the defaults you gave.",
                keys=", ".join(added)), "success")
    settings["enabled"] = True
    settings.setdefault("name", preset.title)
    state = state_from_settings(settings)
    flash(_("%(preset)s preset filled in below. Check the live preview, then save.", preset=preset.title), "info")
    return _render_editor(form, _editor_for(state), state)


@bp.route("/forms/<form_id>/webhooks/<webhook_id>", methods=["GET", "POST"])
@login_required
def webhook_edit(form_id, webhook_id):
    """Edit one webhook."""
    form = form_or_404(form_id)
    webhook = webhook_or_404(form, webhook_id)
    if request.method == "POST":
        return _save(form, webhook, WebhookEditorForm())
    state = state_from_settings(masked_settings(settings_of(webhook)))
    recent = db.session.scalars(
        select(Delivery).where(Delivery.webhook_id == webhook.id).order_by(Delivery.id.desc()).limit(RECENT_DELIVERIES)
    ).all()
    return _render_editor(form, _editor_for(state), state, webhook, recent=recent)


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/delete", methods=["GET", "POST"])
@login_required
def webhook_delete(form_id, webhook_id):
    """Ask, then delete a webhook with its delivery log."""
    form = form_or_404(form_id)
    webhook = webhook_or_404(form, webhook_id)
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        db.session.delete(webhook)
        db.session.commit()
        flash(_("Webhook deleted."), "info")
        return redirect(url_for("dashboard.webhook_settings", form_id=form.id))
    if request.method == "POST":
        abort(400)
    return render_template("dashboard/webhook_delete.html", form=form, webhook=webhook, confirm=confirm)


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/toggle", methods=["POST"])
@login_required
def webhook_toggle(form_id, webhook_id):
    """Enable a disabled webhook, or disable an enabled one."""
    form = form_or_404(form_id)
    webhook = webhook_or_404(form, webhook_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    set_webhook_enabled(webhook, not webhook.enabled, reason=DASHBOARD_REASON, user=current_user)
    db.session.commit()
    flash(_("Webhook enabled.") if webhook.enabled else _("Webhook disabled: submissions are stored but not sent."),
          "success" if webhook.enabled else "info")
    if request.form.get("back") == "edit":
        return redirect(url_for("dashboard.webhook_edit", form_id=form.id, webhook_id=webhook.id))
    return redirect(url_for("dashboard.webhook_settings", form_id=form.id))


from app.dashboard import preset_actions, webhook_actions  # noqa: E402,F401  (registers the JSON endpoints)
