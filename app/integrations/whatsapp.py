"""The WhatsApp Cloud API request: an approved template message (what a business may send first) or free text.

The recipient is a template naming one field (the lead's own number, always sent as `{{ key | wa }}`)
or a fixed number, normalised to the digits WhatsApp wants in the workspace's region.
"""

import json
import re

from flask_babel import gettext as _

from app.core import phones

GRAPH_VERSION = "v21.0"
MODES = ("template", "text")
# one field, optionally through a phone filter: {{ phone }}, {{ phone | wa }}, {{ phone | e164 }}
RECIPIENT_TEMPLATE = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*(?:\|\s*(?:wa|e164)\s*)?\}\}")
PARAMETER = re.compile(r"(?:\{\{\s*)?([a-z][a-z0-9_]*)(?:\s*\}\})?")
MAX_PARAMETERS = 20


def graph_url(phone_number_id):
    return f"https://graph.facebook.com/{GRAPH_VERSION}/{phone_number_id}/messages"


def clean_recipient(text, form, region):
    """Return (the `to` value, error): `{{ key | wa }}` for a field of form, or a fixed number's digits."""
    text = (text or "").strip()
    named = RECIPIENT_TEMPLATE.fullmatch(text)
    if named:
        key = named.group(1)
        if key not in form.field_keys():
            return None, _("this form has no field %(key)s", key=key)
        return f"{{{{ {key} | wa }}}}", None
    if "{" in text or "}" in text:
        return None, _("use one field as a template, such as {{ phone | wa }}, or a phone number")
    digits = phones.wa_digits(text, region)
    if digits is None:
        return None, _(
            "not a phone number: write it as %(example)s or with + and the country code, "
            "or use the lead's own number with {{ phone | wa }}", example=phones.example(region),
        )
    return digits, None


def clean_parameters(text, form):
    """Return (field keys, error) from `name, campaign_name` (or `{{ name }}, …`): the template's {{1}}, {{2}} …"""
    items = [item.strip() for item in (text or "").split(",") if item.strip()]
    if len(items) > MAX_PARAMETERS:
        return [], _("at most %(most)d parameters", most=MAX_PARAMETERS)
    keys, known = [], set(form.field_keys())
    for item in items:
        match = PARAMETER.fullmatch(item)
        if not match:
            return [], _("%(item)s is not a field key; list keys separated by commas", item=item[:40])
        if match.group(1) not in known:
            return [], _("this form has no field %(key)s", key=match.group(1))
        keys.append(match.group(1))
    return keys, None


def template_document(to, name, language, parameter_keys):
    """The Cloud API body of an approved template message; each parameter is one answer, in order."""
    template = {"name": name, "language": {"code": language}}
    if parameter_keys:
        template["components"] = [{
            "type": "body",
            "parameters": [{"type": "text", "text": f"{{{{ {key} }}}}"} for key in parameter_keys],
        }]
    document = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                "type": "template", "template": template}
    # field keys and the checked literals hold no quote or backslash: the answers are JSON-escaped at render
    return json.dumps(document, ensure_ascii=False, indent=2)


def text_document(to):
    """The Cloud API body of a free-text message, its text left for the caller to place."""
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
            "text": {"preview_url": False, "body": None}}
