"""Validating and applying form and field definitions."""

import re
import unicodedata

from flask_babel import gettext as _

from app.core.safe_text import unstorable_reason
from app.delivery import conditions
from app.fields import UnknownFieldType, field_type, type_names, types
from app.models import Field, Form

FIELD_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_FIELDS = 100
MAX_RULES = 10


def key_from_label(label, taken=()):
    """'Your e-mail' → 'your_e_mail', made unique against taken."""
    text = unicodedata.normalize("NFKD", label or "").encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:50] or "field"
    if not key[0].isalpha():
        key = "f_" + key
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}_{number}", number + 1
    return candidate


def _clean_options(raw):
    if isinstance(raw, str):
        raw = [line for line in re.split(r"[\n,]", raw)]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return None
    return [item.strip() for item in raw if item.strip()]


def _opt_str(value):
    return None if value in (None, "") else value


def _unstorable_text(clean, path):
    """NUL or lone surrogates in the owner's texts (the dashboard posts them as they were typed)."""
    problems = {}
    for name in ("label", "default", "placeholder"):
        reason = unstorable_reason(clean[name]) if isinstance(clean[name], str) else None
        if reason:
            problems[f"{path}.{name}"] = reason
    reasons = [unstorable_reason(option) for option in clean["options"] or []]
    if any(reasons):
        problems[f"{path}.options"] = next(reason for reason in reasons if reason)
    return problems


def validate_visible_if(rule, path, earlier):
    """Return (clean visible_if or None, {path: message}); earlier maps the keys before the field to their types.

    Rules read answers, so they may name only answer-taking fields that come before this one.
    """
    if rule is None or (isinstance(rule, dict) and not rule.get("rules")):
        return None, {}
    where = f"{path}.visible_if"
    if not isinstance(rule, dict):
        return None, {where: _("must be an object with 'match' and 'rules', or null")}
    if not isinstance(rule["rules"], list) or len(rule["rules"]) > MAX_RULES:
        return None, {f"{where}.rules": _("must be a list of at most %(max)d rules", max=MAX_RULES)}
    problems = {}
    for name in sorted(set(rule) - {"match", "rules"}):
        problems[f"{where}.{name}"] = _("is not a rule property")
    for index, item in enumerate(rule["rules"]):
        if isinstance(item, dict) and item.get("field") not in earlier:
            problems[f"{where}.rules[{index}].field"] = _(
                "must be the key of an answer-taking field above this one")
    for name, message in conditions.validate(rule, earlier).items():
        problems.setdefault(where + name.removeprefix("conditions"), message)
    if problems:
        return None, problems
    clean_rules = [{key: item[key] for key in ("field", "op", "value") if key in item} for item in rule["rules"]]
    return {"match": rule.get("match", "all"), "rules": clean_rules}, {}


def answer_types(fields):
    """{key: type name} of the answer-taking fields among fields (clean dicts or Field rows)."""
    result = {}
    for field in fields:
        key, type_name = (field["key"], field["type"]) if isinstance(field, dict) else (field.key, field.type)
        try:
            if field_type(type_name).takes_answer:
                result[key] = type_name
        except (UnknownFieldType, TypeError):
            continue
    return result


def order_problems(fields):
    """{key: message} for each field whose visible_if names a field that is not above it (after a move)."""
    problems = {}
    for index, field in enumerate(fields):
        rule = field.visible_if or {}
        earlier = answer_types(fields[:index])
        if any(item.get("field") not in earlier for item in rule.get("rules", [])):
            problems[field.key] = _("“%(label)s” is shown by a rule on a field that would no longer be above it",
                                    label=field.label)
    return problems


def drop_rules_on(fields, key):
    """Remove the rules that read key (a deleted field); return the fields whose logic changed."""
    changed = []
    for field in fields:
        rule = field.visible_if
        if rule and any(item.get("field") == key for item in rule.get("rules", [])):
            kept = [item for item in rule["rules"] if item.get("field") != key]
            field.visible_if = {"match": rule.get("match", "all"), "rules": kept} if kept else None
            changed.append(field)
    return changed


def validate_field(item, path, taken, earlier=None):
    """Return (clean field dict, {path: message}); earlier maps the keys above it to their types."""
    errors = {}
    if not isinstance(item, dict):
        return None, {path: "must be an object"}
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        errors[f"{path}.label"] = "is required"
        label = ""
    key = item.get("key") or key_from_label(label, taken)
    if not isinstance(key, str) or not FIELD_KEY_RE.match(key) or len(key) > 64:
        errors[f"{path}.key"] = "must start with a letter and use only a-z, 0-9 and _"
    elif key in taken:
        errors[f"{path}.key"] = f"'{key}' is used by another field"
    type_name = item.get("type", "text")
    try:
        kind = field_type(type_name)
    except (UnknownFieldType, TypeError):  # TypeError: a list or object is not a name
        kind = None
        errors[f"{path}.type"] = f"must be one of {', '.join(type_names())}"
    required = item.get("required", False)
    if not isinstance(required, bool):
        errors[f"{path}.required"] = "must be true or false"
    options = _clean_options(item.get("options", []))
    if options is None:
        errors[f"{path}.options"] = "must be a list of strings"
    for name in ("default", "placeholder"):
        value = item.get(name)
        if value is not None and not isinstance(value, str):
            errors[f"{path}.{name}"] = "must be a string"
    settings, problems = kind.read_settings(item, path) if kind is not None else ({}, {})
    errors.update(problems)
    errors.update(_other_types_settings_problems(kind, item, path))
    visible_if, problems = validate_visible_if(item.get("visible_if"), path, earlier or {})
    errors.update(problems)
    clean = {
        "key": key, "label": label.strip(), "type": type_name, "required": bool(required),
        "options": options if kind is not None and kind.has_options else [],
        "default": _opt_str(item.get("default")), "placeholder": _opt_str(item.get("placeholder")),
        "settings": settings, "visible_if": visible_if,
    }
    errors.update(_unstorable_text(clean, path))
    readable = options is not None and all(isinstance(clean[name], str | None) for name in ("default", "placeholder"))
    if kind is not None and readable:
        errors.update(kind.check_settings(clean, path))
    return clean, errors


def _other_types_settings_problems(kind, item, path):
    """A setting of another field type is ignored, but only when it is a value that type would take."""
    own = set(kind.settings_schema) if kind is not None else set()
    problems = {}
    for other in types():
        names = [name for name in other.settings_schema if name not in own and name in item]
        if names:
            _, found = other.read_settings({name: item[name] for name in names}, path)
            problems.update({where: why for where, why in found.items() if where not in problems})
    return problems


def validate_fields(items):
    """Validate a list of field definitions; return (clean list, {path: message})."""
    if not isinstance(items, list):
        return [], {"fields": "must be a list"}
    if len(items) > MAX_FIELDS:
        return [], {"fields": f"at most {MAX_FIELDS} fields"}
    clean, errors, taken = [], {}, set()
    for index, item in enumerate(items):
        field, problems = validate_field(item, f"fields[{index}]", taken, answer_types(clean))
        errors.update(problems)
        if field and isinstance(field["key"], str):
            taken.add(field["key"])
            clean.append(field)
    return clean, errors


def replace_fields(form, clean_fields):
    """Make form's fields exactly clean_fields, in order; the caller commits."""
    existing = {field.key: field for field in form.fields}
    new_fields = []
    for position, data in enumerate(clean_fields):
        field = existing.pop(data["key"], None) or Field(key=data["key"])
        for name, value in data.items():
            setattr(field, name, value)
        field.position = position
        new_fields.append(field)
    form.fields = new_fields


def copy_form(form, name):
    """A new, unsaved form with form's settings and fields (no submissions, no webhooks)."""
    copy = Form(
        workspace_id=form.workspace_id, name=name, submit_label=form.submit_label,
        thank_you_message=form.thank_you_message, redirect_url=form.redirect_url, enabled=form.enabled,
        language=form.language, notifications=form.notifications,
        # its spam checks and captcha too; not the form token, which is one form's credential
        spam_settings=form.spam_settings, captcha_secret=form.captcha_secret,
    )
    for field in form.fields:
        copy.fields.append(Field(
            position=field.position, key=field.key, label=field.label, type=field.type, required=field.required,
            options=list(field.options or []), default=field.default, placeholder=field.placeholder,
            settings=dict(field.settings or {}), visible_if=field.visible_if,
        ))
    return copy
