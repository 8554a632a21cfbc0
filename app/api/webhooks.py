"""/api/v1/forms/<id>/webhooks and /api/v1/webhooks/<id>: a form's webhooks and their actions."""

from flask import current_app, g, jsonify

from app.api import bp
from app.api.idempotency import idempotent
from app.api.inputs import find_or_404, json_body
from app.api.representations import webhook_json
from app.core.errors import ApiError
from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Form, Webhook
from app.models.webhooks import METHODS
from app.services import deliveries
from app.services import webhooks as webhook_service
from app.services.audit import api_key_actor
from app.services.webhooks import save_webhook, validate_webhook


def _strict_problems(data):
    """What the shared validator forgives (it also reads the dashboard's forms): the API takes exact values."""
    errors = {}
    if "method" in data and data["method"] not in METHODS:
        errors["method"] = f"must be one of {', '.join(METHODS)}"
    if "events" in data and not isinstance(data["events"], list | None):
        errors["events"] = "must be a list of event names, or null"
    if "headers" in data and not isinstance(data["headers"], dict | None):
        errors["headers"] = "must be an object of header name to value template, or null"
    return errors


def _validated(field_keys, partial):
    data = json_body()
    clean, errors, warnings = validate_webhook(
        data, field_keys, current_app.config["WEBHOOK_ALLOWED_NETWORKS"], partial=partial,
    )
    errors.update(_strict_problems(data))
    if errors:
        raise ApiError(422, "the webhook is not valid", errors)
    return clean, warnings


@bp.get("/forms/<form_id>/webhooks")
def list_webhooks(form_id):
    """List a form's webhooks, oldest first."""
    form = find_or_404(Form, form_id, "form")
    webhooks = db.session.scalars(
        scoped(Webhook, g.workspace_id).where(Webhook.form_id == form.id).order_by(Webhook.id)
    ).all()
    return jsonify({"data": [webhook_json(webhook) for webhook in webhooks]})


@bp.post("/forms/<form_id>/webhooks")
@idempotent
def create_webhook(form_id):
    """Add a webhook to a form; unknown template names come back as warnings."""
    form = find_or_404(Form, form_id, "form")
    clean, warnings = _validated(form.field_types(), partial=False)
    webhook = save_webhook(form, clean, actor=api_key_actor(g.api_key))
    db.session.commit()
    return jsonify(webhook_json(webhook, warnings)), 201


@bp.get("/webhooks/<webhook_id>")
def get_webhook(webhook_id):
    return jsonify(webhook_json(find_or_404(Webhook, webhook_id, "webhook")))


@bp.patch("/webhooks/<webhook_id>")
def update_webhook(webhook_id):
    """Change any subset of a webhook's settings."""
    webhook = find_or_404(Webhook, webhook_id, "webhook")
    clean, warnings = _validated(webhook.form.field_types(), partial=True)
    save_webhook(webhook.form, clean, webhook, actor=api_key_actor(g.api_key))
    db.session.commit()
    return jsonify(webhook_json(webhook, warnings))


@bp.delete("/webhooks/<webhook_id>")
def delete_webhook(webhook_id):
    """Delete a webhook and its delivery log."""
    db.session.delete(find_or_404(Webhook, webhook_id, "webhook"))
    db.session.commit()
    return "", 204


@bp.post("/webhooks/<webhook_id>/test")
@idempotent
def test_webhook(webhook_id):
    """Send a webhook.test event now."""
    delivery = deliveries.send_test_event(find_or_404(Webhook, webhook_id, "webhook"))
    db.session.commit()
    return jsonify({"delivery_id": delivery.id}), 202


@bp.post("/webhooks/<webhook_id>/rotate-secret")
@idempotent
def rotate_webhook_secret(webhook_id):
    """Give the webhook a new secret; the old one signs alongside for 24 hours."""
    webhook = find_or_404(Webhook, webhook_id, "webhook")
    webhook_service.rotate_webhook_secret(webhook, actor=api_key_actor(g.api_key))
    db.session.commit()
    return jsonify(webhook_json(webhook))
