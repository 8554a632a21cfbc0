"""Integration presets: a few answers in, a webhook set up for a real service's API out.

Each preset asks for what its service needs (a bot token, a chat id …) and builds the
webhook settings (url, method, format, headers, body_template) that make the service's
documented request. The result is checked by app.services.webhooks like any webhook.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from flask_babel import lazy_gettext as _l

SEED_QUERY = "campaign_name={{ campaign_name }}&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}"
WHATSAPP_GRAPH_VERSION = "v21.0"


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    pattern: str
    message: str
    hint: str = ""
    placeholder: str = ""
    default: str = ""
    secret: bool = False


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    summary: str
    params: tuple = field(default_factory=tuple)
    build_settings: object = None
    steps: tuple = ()  # step-by-step help shown above the parameters
    needs_fields: tuple = ()  # NeededField: form fields the preset's templates use


@dataclass(frozen=True)
class NeededField:
    """A form field a preset's templates name, and the hidden default offered when the form lacks it."""

    key: str
    label: str
    default: str


def message_text(form):
    """A readable message listing every answer: 'New submission to Leads\\nName: {{ name }}…'."""
    lines = ["New submission to {{ form.name }}"]
    for item in form.fields:
        # braces in a label would start a template tag; the key is already safe
        label = re.sub(r"[{}%#]", "", item.label).strip() or item.key
        lines.append(f"{label}: {{{{ {item.key} }}}}")
    return "\n".join(lines)


def _json_template(document, text_key_path, text):
    """A JSON body template: document with the message text placed at text_key_path.

    The literal parts are encoded by json.dumps; the {{ names }} inside the text are
    JSON-escaped by the engine when it renders, so answers cannot break the JSON.
    """
    marker = "__FORMHOOK_TEXT__"
    target = document
    for key in text_key_path[:-1]:
        target = target[key]
    target[text_key_path[-1]] = marker
    encoded_text = json.dumps(text, ensure_ascii=False)[1:-1]
    return json.dumps(document, ensure_ascii=False, indent=2).replace(marker, encoded_text)


def _telegram(values, form):
    document = {"chat_id": values["chat_id"], "text": None}
    return {
        "url": f"https://api.telegram.org/bot{values['bot_token']}/sendMessage",
        "method": "POST", "format": "json", "headers": {},
        "body_template": _json_template(document, ["text"], message_text(form)),
    }


def _whatsapp(values, form):
    document = {
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": values["to"], "type": "text", "text": {"preview_url": False, "body": None},
    }
    return {
        "url": f"https://graph.facebook.com/{WHATSAPP_GRAPH_VERSION}/{values['phone_number_id']}/messages",
        "method": "POST", "format": "json",
        "headers": {"Authorization": f"Bearer {values['access_token']}"},
        "body_template": _json_template(document, ["text", "body"], message_text(form)),
    }


def _slack(values, form):
    return {
        "url": values["webhook_url"], "method": "POST", "format": "json", "headers": {},
        "body_template": _json_template({"text": None}, ["text"], message_text(form)),
    }


def _discord(values, form):
    return {
        "url": values["webhook_url"], "method": "POST", "format": "json", "headers": {},
        "body_template": _json_template({"content": None}, ["content"], message_text(form)),
    }


def _crm(values, form):
    return {
        "url": f"{values['endpoint']}?{SEED_QUERY}", "method": "POST", "format": "json",
        "headers": {}, "body_template": None,
    }


NO_BRACES = r"[^{}\s]"
PRESETS = {
    preset.name: preset for preset in (
        Preset(
            "telegram", "Telegram", "Message a chat through your bot (Bot API sendMessage).",
            (
                Param("bot_token", "Bot token", r"\d{3,20}:[A-Za-z0-9_-]{20,100}",
                      "looks like 123456789:AAE… (from @BotFather)", "From @BotFather.",
                      "123456789:AAE…", secret=True),
                Param("chat_id", "Chat id", r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}",
                      "a number like 123456789 or -100…, or @channelname", "A user, group or @channel.",
                      "-1001234567890"),
            ),
            _telegram,
            steps=(
                _l("In Telegram, open @BotFather, send /newbot and follow its questions. It answers with a bot "
                   "token like 123456789:AAE…: paste it below."),
                _l("Open your new bot and send it any message. For a group, add the bot to the group and send a "
                   "message there; for a channel, make the bot an admin and post."),
                _l("Press Find my chat id and pick the chat the submissions should go to."),
            ),
        ),
        Preset(
            "whatsapp", "WhatsApp", "Send a text message with the WhatsApp Cloud API.",
            (
                Param("phone_number_id", "Phone-number id", r"\d{5,30}", "digits only, from the WhatsApp app",
                      "WhatsApp Manager → API setup.", "106540352242922"),
                Param("access_token", "Access token", r"[A-Za-z0-9_.|-]{20,1000}",
                      "paste the whole token", "A system-user or temporary token.", "EAAJB…", secret=True),
                Param("to", "Send to (phone number)", r"\+?\d{6,15}", "international format, e.g. +16505551234",
                      "Who receives the message; the 24-hour window rules apply.", "+16505551234"),
            ),
            _whatsapp,
        ),
        Preset(
            "slack", "Slack", "Post to a channel through an incoming webhook.",
            (
                Param("webhook_url", "Incoming webhook URL", r"https://hooks\.slack\.com/services/" + NO_BRACES + "+",
                      "starts with https://hooks.slack.com/services/", "Slack app → Incoming Webhooks.",
                      "https://hooks.slack.com/services/T000/B000/XXXX", secret=True),
            ),
            _slack,
        ),
        Preset(
            "discord", "Discord", "Post to a channel through a channel webhook.",
            (
                Param("webhook_url", "Channel webhook URL",
                      r"https://(discord|discordapp)\.com/api/webhooks/" + NO_BRACES + "+",
                      "starts with https://discord.com/api/webhooks/", "Channel settings → Integrations → Webhooks.",
                      "https://discord.com/api/webhooks/123/abc", secret=True),
            ),
            _discord,
        ),
        Preset(
            "crm", "CRM (campaign query)",
            "campaign_name, campaign_type and lead_status in the URL query.",
            (
                Param("endpoint", "CRM endpoint", r"https?://[^{}\s?#]+",
                      "a full http(s) URL without a query", "The query is added for you.",
                      "https://crm.example/webhook", default="https://crm.example/webhook"),
            ),
            _crm,
            needs_fields=(
                NeededField("campaign_name", "Campaign name", "website"),
                NeededField("campaign_type", "Campaign type", "organic"),
                NeededField("lead_status", "Lead status", "new"),
            ),
        ),
    )
}


def missing_fields(preset, form):
    """The fields preset's templates use that form does not have."""
    keys = set(form.field_keys())
    return [needed for needed in preset.needs_fields if needed.key not in keys]


def validate_params(preset, raw):
    """Return (clean values, {param name: message})."""
    values, errors = {}, {}
    for param in preset.params:
        value = (raw.get(param.name) or "").strip()
        if not value:
            errors[param.name] = "is required"
        elif not re.fullmatch(param.pattern, value):
            errors[param.name] = param.message
        values[param.name] = value
    return values, errors


def with_base_url(url, base_url):
    """url with its scheme and host replaced by base_url's (tests point presets at a local receiver)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def build(name, raw, form, base_url=None):
    """Return (webhook settings, {param: message}) for preset name filled with raw values."""
    preset = PRESETS[name]
    values, errors = validate_params(preset, raw)
    if errors:
        return None, errors
    settings = preset.build_settings(values, form)
    if base_url:
        settings["url"] = with_base_url(settings["url"], base_url)
    return settings, {}
