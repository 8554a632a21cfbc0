"""Integration presets: a few answers in, a webhook set up for a real service's API out.

Each preset asks for what its service needs (a bot token, a chat id …) and builds the
webhook settings (url, method, format, headers, body_template) that make the service's
documented request. The result is checked by app.services.webhooks like any webhook.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import phones
from app.core.extensions import db
from app.integrations import whatsapp
from app.models import Workspace

SEED_QUERY = "campaign_name={{ campaign_name }}&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}"
WHATSAPP_GRAPH_VERSION = whatsapp.GRAPH_VERSION


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""


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
    choices: tuple = ()  # Choice: the param is one of these (radio buttons)
    mode: str = ""  # asked only when the preset's `mode` param has this value
    required: bool = True


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    summary: str
    params: tuple = field(default_factory=tuple)
    build_settings: object = None
    steps: tuple = ()  # step-by-step help shown above the parameters
    needs_fields: tuple = ()  # NeededField: form fields the preset's templates use
    # (values, form, phone region) → (values, {param: message}): the checks one pattern cannot make
    check: object = None


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
    if values["mode"] == "template":
        body = whatsapp.template_document(
            values["to"], values["template_name"], values["language_code"], values["parameters"],
        )
    else:
        body = _json_template(whatsapp.text_document(values["to"]), ["text", "body"], message_text(form))
    return {
        "url": whatsapp.graph_url(values["phone_number_id"]), "method": "POST", "format": "json",
        "headers": {"Authorization": f"Bearer {values['access_token']}"}, "body_template": body,
    }


def _check_whatsapp(values, form, region):
    """The recipient normalised (a field's number, or a fixed one in the region); the parameters as keys."""
    errors = {}
    values["to"], error = whatsapp.clean_recipient(values["to"], form, region)
    if error:
        errors["to"] = error
    values["parameters"], error = whatsapp.clean_parameters(values.get("parameters"), form)
    if error and values["mode"] == "template":
        errors["parameters"] = error
    return values, errors


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
            "telegram", "Telegram", _l("Message a chat through your bot (Bot API sendMessage)."),
            (
                Param("bot_token", _l("Bot token"), r"\d{3,20}:[A-Za-z0-9_-]{20,100}",
                      _l("looks like 123456789:AAE… (from @BotFather)"), _l("From @BotFather."),
                      "123456789:AAE…", secret=True),
                Param("chat_id", _l("Chat id"), r"-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}",
                      _l("a number like 123456789 or -100…, or @channelname"), _l("A user, group or @channel."),
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
            "whatsapp", "WhatsApp",
            _l("Message the lead, or your team, with the WhatsApp Cloud API: an approved template or free text."),
            (
                Param("phone_number_id", _l("Phone-number id"), r"\d{5,30}",
                      _l("digits only, from the WhatsApp app"), _l("WhatsApp Manager → API setup."),
                      "106540352242922"),
                Param("access_token", _l("Access token"), r"[A-Za-z0-9_.|-]{20,1000}",
                      _l("paste the whole token"), _l("A system-user or temporary token."), "EAAJB…", secret=True),
                Param("to", _l("Send to"), r".{1,200}", "",
                      _l("The lead's own number as a template, {{ phone | wa }} (phone is the field's key), or one "
                         "fixed number such as 0812 3456 7890 or +62 812 3456 7890."),
                      "{{ phone | wa }}", default="{{ phone | wa }}"),
                Param("mode", _l("Message"), "template|text", _l("choose a template message or free text"),
                      default="template", choices=(
                          Choice("template", _l("Approved template message"),
                                 _l("What a business may send first: a template approved in WhatsApp Manager.")),
                          Choice("text", _l("Free text"),
                                 _l("WhatsApp delivers free text only within 24 hours of the person's last message "
                                    "to your number; to write first, use an approved template.")),
                      )),
                Param("template_name", _l("Template name"), r"[a-z0-9_]{1,512}",
                      _l("lower-case letters, digits and _, as in WhatsApp Manager"),
                      _l("As named in WhatsApp Manager → Message templates."), "lead_welcome", mode="template"),
                Param("language_code", _l("Template language"), r"[a-z]{2,3}(_[A-Z]{2,4})?",
                      _l("a language code such as id, en or en_US"),
                      _l("The language the template was approved in."), "id", default="id", mode="template"),
                Param("parameters", _l("Body parameters"), r".{0,2000}", "",
                      _l("Field keys, separated by commas, for the template's {{1}}, {{2}} … in order, "
                         "e.g. name, campaign_name. Leave empty when the template has none."),
                      "name, campaign_name", mode="template", required=False),
            ),
            _whatsapp,
            check=_check_whatsapp,
        ),
        Preset(
            "slack", "Slack", _l("Post to a channel through an incoming webhook."),
            (
                Param("webhook_url", _l("Incoming webhook URL"),
                      r"https://hooks\.slack\.com/services/" + NO_BRACES + "+",
                      _l("starts with https://hooks.slack.com/services/"), _l("Slack app → Incoming Webhooks."),
                      "https://hooks.slack.com/services/T000/B000/XXXX", secret=True),
            ),
            _slack,
        ),
        Preset(
            "discord", "Discord", _l("Post to a channel through a channel webhook."),
            (
                Param("webhook_url", _l("Channel webhook URL"),
                      r"https://(discord|discordapp)\.com/api/webhooks/" + NO_BRACES + "+",
                      _l("starts with https://discord.com/api/webhooks/"),
                      _l("Channel settings → Integrations → Webhooks."),
                      "https://discord.com/api/webhooks/123/abc", secret=True),
            ),
            _discord,
        ),
        Preset(
            "crm", _l("CRM (campaign query)"),
            _l("campaign_name, campaign_type and lead_status in the URL query."),
            (
                Param("endpoint", _l("CRM endpoint"), r"https?://[^{}\s?#]+",
                      _l("a full http(s) URL without a query"), _l("The query is added for you."),
                      "https://crm.example/webhook", default="https://crm.example/webhook"),
            ),
            _crm,
            needs_fields=(
                NeededField("campaign_name", _l("Campaign name"), "website"),
                NeededField("campaign_type", _l("Campaign type"), "organic"),
                NeededField("lead_status", _l("Lead status"), "new"),
            ),
        ),
    )
}


def missing_fields(preset, form):
    """The fields preset's templates use that form does not have."""
    keys = set(form.field_keys())
    return [needed for needed in preset.needs_fields if needed.key not in keys]


def asked(preset, values):
    """The params of preset that apply to values (a param of another mode is not asked)."""
    mode = values.get("mode")
    return [param for param in preset.params if not param.mode or param.mode == mode]


def validate_params(preset, raw):
    """Return (clean values, {param name: message})."""
    values = {param.name: (raw.get(param.name) or param.default or "").strip() if param.choices
              else (raw.get(param.name) or "").strip() for param in preset.params}
    errors = {}
    for param in asked(preset, values):
        value = values[param.name]
        if not value:
            if param.required:
                errors[param.name] = _("is required")
        elif not re.fullmatch(param.pattern, value):
            errors[param.name] = str(param.message)
    return values, errors


def workspace_region(form):
    """The region a fixed phone number without a country code is read in: the form's workspace's."""
    workspace = db.session.get(Workspace, form.workspace_id)
    return phones.region_for(workspace.phone_region if workspace else None)


def with_base_url(url, base_url):
    """url with its scheme and host replaced by base_url's (tests point presets at a local receiver)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def build(name, raw, form, base_url=None):
    """Return (webhook settings, {param: message}) for preset name filled with raw values."""
    preset = PRESETS[name]
    values, errors = validate_params(preset, raw)
    if preset.check:
        values, checked = preset.check(values, form, workspace_region(form))
        errors = {**checked, **errors}  # a param's own pattern speaks first
    if errors:
        return None, errors
    settings = preset.build_settings(values, form)
    if base_url:
        settings["url"] = with_base_url(settings["url"], base_url)
    return settings, {}
