"""A webhook's one write path: validate its settings, save, enable or disable it, audited.

The API, the dashboard, the inspector and the worker all change webhooks through these
functions; each flushes and audits in the caller's transaction, and the caller commits.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask_babel import gettext as _

from app.core.extensions import db
from app.delivery import conditions as conditions_rules
from app.delivery import payloads, templating
from app.delivery.transport import AddressRefused, check_url_for_saving
from app.models import Webhook
from app.models.webhooks import EVENTS, METHODS, RATE_LIMIT_MAX
from app.services import audit
from app.services.quotas import check_webhook_quota
from app.services.webhook_names import check_name

HEADER_NAME_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")
RESERVED_HEADERS = {
    "host", "content-length", "transfer-encoding", "webhook-id", "webhook-timestamp", "webhook-signature",
}
FIELDS = (
    "name", "url", "method", "format", "headers", "body_template", "events", "conditions", "enabled", "attach_files",
    "rate_limit",
)


@dataclass
class Checking:
    """One validation run: what was posted, what the checkers know, what they found."""

    data: dict
    field_keys: list
    allowed_networks: list
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


def check_url(url, checking):
    """Required, http(s), a fixed host, a valid template that renders to an address we may call."""
    if not isinstance(url, str) or not url.strip():
        checking.errors["url"] = _("is required")
        return url
    url = url.strip()
    if len(url) > 4000:
        checking.errors["url"] = _("is too long (4000 characters at most)")
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        checking.errors["url"] = _("is not a valid URL")
        return url
    if parts.scheme not in ("http", "https"):
        checking.errors["url"] = _("must start with http:// or https://")
    elif "{" in parts.netloc or "{" in parts.scheme:
        checking.errors["url"] = _("the host cannot be a template; put {{ names }} in the path or query")
    elif _template_ok(url, "url", checking):
        rendered = templating.render(url, templating.sample_context(checking.field_keys), "url")
        try:
            check_url_for_saving(rendered, checking.allowed_networks)
        except AddressRefused as exc:
            checking.errors["url"] = str(exc)
    return url


def _template_ok(template, error_key, checking):
    """Check a template's syntax and names: warnings for unknown names, an error (False) for the rest."""
    try:
        checking.warnings.extend(templating.check_template(template, checking.field_keys))
    except templating.TemplateError as exc:
        checking.errors[error_key] = str(exc)
        return False
    return True


def check_method(method, checking):
    if not isinstance(method, str) or method.upper() not in METHODS:
        checking.errors["method"] = _("must be one of %(choices)s", choices=", ".join(METHODS))
        return method
    return method.upper()


def check_format(fmt, checking):
    """One of the formats in the format table (payloads.FORMATS)."""
    try:
        payloads.body_format(fmt)
    except payloads.UnknownFormat:
        checking.errors["format"] = _("must be one of %(choices)s", choices=", ".join(payloads.format_names()))
    return fmt


def check_headers(headers, checking):
    """An object of settable header names to valid value templates."""
    if not isinstance(headers, dict):
        checking.errors["headers"] = _("must be an object of header name to value template")
        return headers
    for name, value in headers.items():
        if not HEADER_NAME_RE.match(name) or name.lower() in RESERVED_HEADERS:
            checking.errors[f"headers.{name}"] = _("is not a header name you can set")
        elif not isinstance(value, str):
            checking.errors[f"headers.{name}"] = _("must be a string")
        else:
            _template_ok(value, f"headers.{name}", checking)
    return headers


def check_body_template(template, checking):
    """A string or null; a valid template, warned about when it does not render a JSON or XML document."""
    if template is not None and not isinstance(template, str):
        checking.errors["body_template"] = _("must be a string or null")
        return template
    fmt = checking.data.get("format", "json")
    if template and _template_ok(template, "body_template", checking) and fmt in payloads.FORMATS:
        checking.warnings.extend(_body_template_warnings(template, fmt, checking.field_keys))
    return template or None


def _body_template_warnings(template, fmt, field_keys):
    """Warn when a body template does not render a valid document of its format from sample answers."""
    entry = payloads.body_format(fmt)
    if entry.parse is None:
        return []
    rendered = templating.render(template, templating.sample_context(field_keys), entry.escaping)
    try:
        entry.parse(rendered)
    except ValueError as exc:
        return [_("the body template does not render valid %(format)s with sample answers (%(problem)s)",
              format=fmt.upper(), problem=exc)]
    return []


def check_events(events, checking):
    if not isinstance(events, list) or not all(event in EVENTS for event in events):
        checking.errors["events"] = _("must be a list of %(choices)s", choices=", ".join(EVENTS))
    return events


def check_conditions(conditions, checking):
    checking.errors.update(conditions_rules.validate(conditions, checking.field_keys))
    return conditions


def check_enabled(enabled, checking):
    if not isinstance(enabled, bool):
        checking.errors["enabled"] = _("must be true or false")
    return enabled


def check_attach_files(attach, checking):
    """On or off; it takes effect in the formats that can carry files (multipart)."""
    if not isinstance(attach, bool):
        checking.errors["attach_files"] = _("must be true or false")
    return attach


def check_rate_limit(limit, checking):
    """Null (unlimited) or a whole number of attempts per second, from 1 to RATE_LIMIT_MAX."""
    whole = isinstance(limit, int) and not isinstance(limit, bool)
    if limit is not None and not (whole and 1 <= limit <= RATE_LIMIT_MAX):
        checking.errors["rate_limit"] = _("must be a whole number of requests per second from 1 to %(max)d, "
                                          "or empty for no limit", max=RATE_LIMIT_MAX)
    return limit


def check_webhook_name(name, checking):
    """The name as given (one line), or the URL's host when it is left empty."""
    return check_name(name, checking.data.get("url"), checking.errors)


# setting → (its value when the body leaves it out, its checker)
CHECKERS = {
    "name": (lambda data: data.get("name"), check_webhook_name),
    "url": (lambda data: data.get("url"), check_url),
    "method": (lambda data: data.get("method", "POST"), check_method),
    "format": (lambda data: data.get("format", "json"), check_format),
    "headers": (lambda data: data.get("headers") or {}, check_headers),
    "body_template": (lambda data: data.get("body_template"), check_body_template),
    "events": (lambda data: data.get("events") or ["submission.created"], check_events),
    "conditions": (lambda data: data.get("conditions"), check_conditions),
    "enabled": (lambda data: data.get("enabled", True), check_enabled),
    "attach_files": (lambda data: data.get("attach_files", False), check_attach_files),
    "rate_limit": (lambda data: data.get("rate_limit"), check_rate_limit),
}


def validate_webhook(data, field_keys, allowed_networks, partial=False):
    """Return (clean values, {field: message}, [warnings]) for a webhook body.

    With partial=True only the keys present are checked (PATCH).
    """
    if not isinstance(data, dict):
        return {}, {"body": "must be a JSON object"}, []
    checking = Checking(data, field_keys, allowed_networks)
    for name in sorted(set(data) - set(FIELDS) - {"secret", "id", "form_id", "disabled_reason", "listen_only"}):
        checking.errors[name] = _("is not a webhook setting")
    clean = {}
    for name, (value_of, checker) in CHECKERS.items():
        if not partial or name in data:
            clean[name] = checker(value_of(data), checking)
    return clean, checking.errors, sorted(set(checking.warnings))


def save_webhook(form, settings, webhook=None, *, user=None, actor=None):
    """Create (webhook None, within the form's quota) or update a webhook of form with clean settings.

    Audits what changed as user (or actor, e.g. audit.api_key_actor(key)) and flushes; the
    caller commits. Returns the webhook.
    """
    before = audit.snapshot(webhook)
    if webhook is None:
        check_webhook_quota(form.id)
        webhook = Webhook(workspace_id=form.workspace_id, form_id=form.id)
        db.session.add(webhook)
    for name, value in settings.items():
        setattr(webhook, name, value)
    if webhook.enabled:
        webhook.disabled_reason = None
    audit.record_webhook_change(webhook, user, before, actor=actor)
    db.session.flush()
    return webhook


def set_webhook_enabled(webhook, enabled, *, reason=None, user=None, actor=None, failing_since=None):
    """Enable or disable webhook (saying why), audited as "enabled" or "disabled"; flush, the caller commits.

    Returns False, changing nothing, when it already was.
    """
    if webhook.enabled == enabled:
        return False
    webhook.enabled = enabled
    webhook.disabled_reason = None if enabled else reason
    changes = {"enabled": {"from": not enabled, "to": enabled}}
    if not enabled:
        changes["reason"] = {"from": None, "to": reason}
    if failing_since is not None:
        changes["failing_since"] = {"from": None, "to": failing_since.isoformat()}
    audit.record_webhook_change(
        webhook, user, action="enabled" if enabled else "disabled", changes=changes, actor=actor,
    )
    db.session.flush()
    return True


def rotate_webhook_secret(webhook, *, user=None, actor=None):
    """Give webhook a new signing secret (the old one signs alongside for 24 h), audited; flush. Return it."""
    before = audit.snapshot(webhook)
    webhook.rotate_secret()
    audit.record_webhook_change(webhook, user, before, actor=actor)
    db.session.flush()
    return webhook.secret
