"""Validating webhook settings before they are saved."""

import json
import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

from app.delivery import conditions as conditions_rules
from app.delivery import payloads, templating
from app.delivery.transport import AddressRefused, check_url_for_saving
from app.models.webhooks import EVENTS, FORMATS, METHODS
from app.services.webhook_names import check_name

HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
RESERVED_HEADERS = {
    "host", "content-length", "transfer-encoding", "webhook-id", "webhook-timestamp", "webhook-signature",
}
FIELDS = ("name", "url", "method", "format", "headers", "body_template", "events", "conditions", "enabled")


def _check_url(url, field_keys, allowed_networks, errors, warnings):
    if not isinstance(url, str) or not url.strip():
        errors["url"] = "is required"
        return
    url = url.strip()
    if len(url) > 4000:
        errors["url"] = "is too long (4000 characters at most)"
        return
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        errors["url"] = "is not a valid URL"
        return
    if parts.scheme not in ("http", "https"):
        errors["url"] = "must start with http:// or https://"
        return
    if "{" in parts.netloc or "{" in parts.scheme:
        errors["url"] = "the host cannot be a template; put {{ names }} in the path or query"
        return
    try:
        warnings.extend(templating.check_template(url, field_keys))
    except templating.TemplateError as exc:
        errors["url"] = str(exc)
        return
    rendered = templating.render(url, templating.sample_context(field_keys), "url")
    try:
        check_url_for_saving(rendered, allowed_networks)
    except AddressRefused as exc:
        errors["url"] = str(exc)


def _check_headers(headers, field_keys, errors, warnings):
    if not isinstance(headers, dict):
        errors["headers"] = "must be an object of header name to value template"
        return
    for name, value in headers.items():
        if not HEADER_NAME_RE.match(name) or name.lower() in RESERVED_HEADERS:
            errors[f"headers.{name}"] = "is not a header name you can set"
        elif not isinstance(value, str):
            errors[f"headers.{name}"] = "must be a string"
        else:
            try:
                warnings.extend(templating.check_template(value, field_keys))
            except templating.TemplateError as exc:
                errors[f"headers.{name}"] = str(exc)


def _body_template_warnings(template, fmt, field_keys):
    """Warn when a JSON or XML body template does not render a valid document from sample answers."""
    rendered = templating.render(template, templating.sample_context(field_keys), payloads.TEMPLATE_CONTEXT[fmt])
    try:
        if fmt == "json":
            json.loads(rendered)
        elif fmt == "xml":
            ElementTree.fromstring(rendered)
    except (ValueError, ElementTree.ParseError) as exc:
        return [f"the body template does not render valid {fmt.upper()} with sample answers ({exc})"]
    return []


def validate_webhook(data, field_keys, allowed_networks, partial=False):
    """Return (clean values, {field: message}, [warnings]) for a webhook body.

    With partial=True only the keys present are checked (PATCH).
    """
    errors, warnings, clean = {}, [], {}
    if not isinstance(data, dict):
        return {}, {"body": "must be a JSON object"}, []
    unknown = sorted(set(data) - set(FIELDS) - {"secret", "id", "form_id", "disabled_reason"})
    for name in unknown:
        errors[name] = "is not a webhook setting"
    present = (lambda name: name in data) if partial else (lambda name: True)
    if present("name"):
        clean["name"] = check_name(data.get("name"), data.get("url"), errors)
    if present("url"):
        _check_url(data.get("url"), field_keys, allowed_networks, errors, warnings)
        url = data.get("url")
        clean["url"] = url.strip() if isinstance(url, str) else ""  # a non-string is an error, not a crash
    if present("method"):
        method = data.get("method", "POST")
        if not isinstance(method, str) or method.upper() not in METHODS:
            errors["method"] = f"must be one of {', '.join(METHODS)}"
        else:
            clean["method"] = method.upper()
    if present("format"):
        fmt = data.get("format", "json")
        if fmt not in FORMATS:
            errors["format"] = f"must be one of {', '.join(FORMATS)}"
        clean["format"] = fmt
    if present("headers"):
        headers = data.get("headers") or {}
        _check_headers(headers, field_keys, errors, warnings)
        clean["headers"] = headers
    if present("body_template"):
        template = data.get("body_template")
        if template is not None and not isinstance(template, str):
            errors["body_template"] = "must be a string or null"
        elif template:
            try:
                warnings.extend(templating.check_template(template, field_keys))
            except templating.TemplateError as exc:
                errors["body_template"] = str(exc)
            else:
                if data.get("format", "json") in ("json", "xml"):
                    warnings.extend(_body_template_warnings(template, data.get("format", "json"), field_keys))
        clean["body_template"] = template or None
    if present("events"):
        events = data.get("events") or ["submission.created"]
        if not isinstance(events, list) or not all(event in EVENTS for event in events):
            errors["events"] = f"must be a list of {', '.join(EVENTS)}"
        clean["events"] = events
    if present("conditions"):
        conditions = data.get("conditions")
        for path, message in conditions_rules.validate(conditions, field_keys).items():
            errors[path] = message
        clean["conditions"] = conditions
    if present("enabled"):
        enabled = data.get("enabled", True)
        if not isinstance(enabled, bool):
            errors["enabled"] = "must be true or false"
        clean["enabled"] = enabled
    return clean, errors, sorted(set(warnings))
