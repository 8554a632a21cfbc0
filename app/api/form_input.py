"""Validating a form's settings sent to the API (POST takes them all, PATCH any subset)."""

import re

from app.api.form_rules_input import SETTINGS as RULE_SETTINGS
from app.api.form_rules_input import validate_rules
from app.core.errors import ApiError
from app.core.i18n import DEFAULT_LANGUAGE, FORM_LANGUAGES, LANGUAGES
from app.core.redirects import external_url
from app.fields import types
from app.services.form_templates import TEMPLATES, template_settings
from app.services.forms import FIELD_KEY_RE, validate_fields

# notifications are checked against the form they land on (its members and email fields): api/forms.py
SETTINGS = ("name", "fields", "submit_label", "redirect_url", "enabled", "language", "notifications",
            *RULE_SETTINGS)
REQUIRED = ("name", "fields")

def setting_names():
    """Every field type's own settings (rating's max, a choice's allow_other …), once each."""
    return tuple(dict.fromkeys(name for kind in types() for name in kind.settings_schema))


FIELD_PROPERTIES = ("key", "label", "type", "required", "options", "default", "placeholder", "visible_if",
                    *setting_names())
FIELD_TEXT_LIMITS = {"label": 200, "placeholder": 200}
REDIRECT_URL_RE = re.compile(r"^https?://[^\s/?#]+")
LIMITS = {"name": 200, "submit_label": 100, "redirect_url": 2000}


def _text(data, name, errors):
    value = data[name]
    if not isinstance(value, str) or not value.strip():
        errors[name] = "must be a non-empty string"
        return None
    if len(value) > LIMITS[name]:
        errors[name] = f"must be at most {LIMITS[name]} characters"
        return None
    return value.strip()


def _submit_label(value, errors):
    """null means the built-in label, in the page's language."""
    if value is None:
        return ""
    return _text({"submit_label": value}, "submit_label", errors)


def _language(value, errors):
    if value not in FORM_LANGUAGES:
        errors["language"] = "must be one of " + ", ".join(f'"{name}"' for name in FORM_LANGUAGES)
    return value


def _redirect_url(value, errors):
    if value is None:
        return None
    if not isinstance(value, str) or not REDIRECT_URL_RE.match(value) or external_url(value) is None:
        errors["redirect_url"] = "must be a full http:// or https:// URL, or null"
    elif len(value) > LIMITS["redirect_url"]:
        errors["redirect_url"] = f"must be at most {LIMITS['redirect_url']} characters"
    return value


def _strict_field_problems(items):
    """What the shared field validator is lenient about (it also reads the dashboard's text inputs)."""
    errors = {}
    if not isinstance(items, list):
        return errors
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        path = f"fields[{index}]"
        for name in sorted(set(item) - set(FIELD_PROPERTIES)):
            errors[f"{path}.{name}"] = "is not a field property"
        if "key" in item and not (isinstance(item["key"], str) and FIELD_KEY_RE.match(item["key"])):
            errors[f"{path}.key"] = "must start with a letter and use only a-z, 0-9 and _"
        options = item.get("options", [])
        if not isinstance(options, list) or not all(isinstance(option, str) for option in options):
            errors[f"{path}.options"] = "must be a list of strings"
        for name, limit in FIELD_TEXT_LIMITS.items():
            if isinstance(item.get(name), str) and len(item[name]) > limit:
                errors[f"{path}.{name}"] = f"must be at most {limit} characters"
    return errors


def template_body(data):
    """(body, template name or None) for a new form: a named template's settings under those given.

    The template's texts are written in the body's `language` when it is en or id, else English.
    """
    if "template" not in data:
        return data, None
    name = data["template"]
    if not isinstance(name, str) or name not in TEMPLATES:
        raise ApiError(422, "the form is not valid",
                       {"template": "must be one of " + ", ".join(f'"{name}"' for name in TEMPLATES)})
    given = {setting: value for setting, value in data.items() if setting != "template"}
    language = given.get("language") if given.get("language") in LANGUAGES else DEFAULT_LANGUAGE
    return {**template_settings(TEMPLATES[name], language), **given}, name


def validate_form(data, partial=False, current_theme=None):
    """Return (clean settings, {field path: message}) for a form body."""
    clean, errors = validate_rules(data, current_theme)
    for name in sorted(set(data) - set(SETTINGS)):
        errors[name] = "is not a form setting"
    if not partial:
        for name in REQUIRED:
            if name not in data:
                errors[name] = "is required"
    if "name" in data:
        clean["name"] = _text(data, "name", errors)
    if "submit_label" in data:
        clean["submit_label"] = _submit_label(data["submit_label"], errors)
    if "language" in data:
        clean["language"] = _language(data["language"], errors)
    if "redirect_url" in data:
        clean["redirect_url"] = _redirect_url(data["redirect_url"], errors)
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            errors["enabled"] = "must be true or false"
        clean["enabled"] = data["enabled"]
    if "fields" in data:
        clean["fields"], field_errors = validate_fields(data["fields"])
        errors.update(field_errors)
        errors.update(_strict_field_problems(data["fields"]))
    return clean, errors
