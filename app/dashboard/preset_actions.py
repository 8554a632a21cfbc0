"""Preset helpers: Telegram's Find my chat id, and adding the fields a preset needs to the form."""

import re

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required

from app.core.async_run import run_sync
from app.dashboard import bp
from app.dashboard.webhook_actions import _require_token
from app.dashboard.webhook_routes import form_or_404
from app.delivery.transport import AsyncTransport
from app.integrations import presets, telegram
from app.models import Field
from app.services.forms import validate_field

TELEGRAM_TOKEN = next(param for param in presets.PRESETS["telegram"].params if param.name == "bot_token")


@bp.route("/forms/<form_id>/webhooks/telegram/chats", methods=["POST"])
@login_required
def telegram_chats(form_id):
    """List the chats that wrote to the bot whose token is posted (Bot API getUpdates)."""
    form_or_404(form_id)
    _require_token()
    token = (request.form.get("bot_token") or "").strip()
    if not re.fullmatch(TELEGRAM_TOKEN.pattern, token):
        return _problem(_("Paste the bot token first: it %(rule)s.", rule=TELEGRAM_TOKEN.message))
    try:
        chats = telegram.find_chats(token, OneRequest(current_app.config), current_app.config["TELEGRAM_API_URL"])
    except telegram.LookupFailed as exc:
        return _problem(str(exc))
    if not chats:
        return _problem(_("No chats yet. Send your bot a message (or post in the group where you added it), "
                          "then press Find my chat id again."))
    return jsonify({"chats": [chat.to_dict() for chat in chats]})


class OneRequest:
    """The webhooks' SSRF-safe transport for a single request from a web request (no loop runs here)."""

    def __init__(self, config):
        self.timeout, self.allowed_networks = config["WEBHOOK_TIMEOUT"], config["WEBHOOK_ALLOWED_NETWORKS"]

    def send(self, method, url, headers, body):
        async def once():
            transport = AsyncTransport(timeout=self.timeout, allowed_networks=self.allowed_networks, max_connections=1)
            try:
                return await transport.send(method, url, headers, body)
            finally:
                await transport.close()

        return run_sync(once)


def _problem(message):
    return jsonify({"error": {"code": "invalid", "message": message, "fields": {"bot_token": message}}}), 422


def add_missing_fields(form, preset, formdata):
    """Add the preset's missing fields the user ticked, as hidden fields with their defaults.

    Returns ({key: message} errors, [added keys]); nothing is added when any default is refused.
    """
    chosen = set(formdata.getlist("add_field"))
    wanted = [needed for needed in presets.missing_fields(preset, form) if needed.key in chosen]
    taken, cleaned, errors = set(form.field_keys()), [], {}
    for needed in wanted:
        item = {"key": needed.key, "label": str(needed.label), "type": "hidden",
                "default": (formdata.get(f"default_{needed.key}") or "").strip()}
        clean, problems = validate_field(item, needed.key, taken)
        errors.update({f"default_{needed.key}": message for message in problems.values()})
        cleaned.append(clean)
        taken.add(needed.key)
    if errors:
        return errors, []
    for clean in cleaned:
        form.fields.append(Field(position=len(form.fields), **clean))
    return {}, [clean["key"] for clean in cleaned]
