"""POST /api/v1/forms/<id>/webhooks/presets/<name>: a webhook for a service, from that preset's values."""

from flask import current_app, g, jsonify

from app.api import bp
from app.api.idempotency import idempotent
from app.api.inputs import find_or_404, json_body
from app.api.representations import webhook_json
from app.core.errors import ApiError
from app.core.extensions import db
from app.integrations import presets
from app.models import Form
from app.services.audit import api_key_actor
from app.services.webhooks import save_webhook, validate_webhook

# what the body may say besides the preset's own values
OWN_KEYS = {"values", "name", "enabled"}


def _preset_values(data, preset):
    """The body's `values` as strings, each a param the preset asks for; ApiError naming what is wrong."""
    values = data.get("values")
    if not isinstance(values, dict):
        raise ApiError(422, "the preset values are not valid", {"values": "must be an object of the preset's values"})
    known = {param.name for param in preset.params}
    problems = {f"values.{name}": "is not a value of this preset" for name in values if name not in known}
    problems.update({f"values.{name}": "must be a string" for name, value in values.items()
                     if name in known and not isinstance(value, str)})
    problems.update({key: "is not a setting of a preset webhook" for key in data if key not in OWN_KEYS})
    if problems:
        raise ApiError(422, "the preset values are not valid", problems)
    return values


@bp.post("/forms/<form_id>/webhooks/presets/<preset_name>")
@idempotent
def create_webhook_from_preset(form_id, preset_name):
    """Add the webhook a preset builds (WhatsApp, Telegram, Slack, Discord, CRM) from its values."""
    form = find_or_404(Form, form_id, "form")
    preset = presets.PRESETS.get(preset_name)
    if preset is None:
        raise ApiError(404, "no such preset", {"preset_name": f"one of {', '.join(sorted(presets.PRESETS))}"})
    data = json_body()
    settings, errors = presets.build(preset_name, _preset_values(data, preset), form)
    if errors:
        raise ApiError(422, "the preset values are not valid",
                       {f"values.{name}": str(message) for name, message in errors.items()})
    settings.update(name=data.get("name") or preset.title, enabled=data.get("enabled", True))
    clean, problems, warnings = validate_webhook(
        settings, form.field_types(), current_app.config["WEBHOOK_ALLOWED_NETWORKS"], partial=False,
    )
    if problems:
        raise ApiError(422, "the webhook is not valid", problems)
    webhook = save_webhook(form, clean, actor=api_key_actor(g.api_key))
    db.session.commit()
    return jsonify(webhook_json(webhook, warnings)), 201
