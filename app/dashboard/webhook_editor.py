"""The webhook editor's data: reading its rows, and previewing it with the real engine."""

import json
import re
from dataclasses import dataclass, field
from xml.dom import minidom
from xml.parsers.expat import ExpatError

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from app.core import timezones
from app.core.extensions import db
from app.core.redaction import MASK, is_masked, mask_header_value, mask_headers, redact
from app.core.tenancy import scoped
from app.delivery import outbox, payloads, sender, templating
from app.delivery.conditions import OPERATORS, VALUELESS
from app.models import Delivery, Submission, Webhook
from app.models.base import utcnow
from app.models.submissions import ACCEPTED
from app.models.webhooks import METHODS, new_secret
from app.services.field_renames import template_uses

META_NAMES = tuple(f"meta.{name}" for name in templating.META_NAMES)
BUILT_IN_NAMES = ("form.id", "form.name", "submission.id", "submission.created_at", *META_NAMES, "event")
OPERATOR_LABELS = {
    "equals": lazy_gettext("equals"), "not_equals": lazy_gettext("does not equal"),
    "contains": lazy_gettext("contains"), "not_contains": lazy_gettext("does not contain"),
    "empty": lazy_gettext("is empty"), "not_empty": lazy_gettext("is not empty"),
    "gt": lazy_gettext("is greater than"), "lt": lazy_gettext("is less than"),
}
PREVIEW_ID = "msg_preview"
PRETTY_MAX_BYTES = 65536  # bigger bodies are shown as sent


@dataclass
class EditorState:
    """What the editor shows: the settings plus their header and rule rows."""

    data: dict
    header_rows: list = field(default_factory=list)
    rule_rows: list = field(default_factory=list)


def variable_names(form):
    """Every name a template can use, field keys first."""
    return [*form.field_keys(), *BUILT_IN_NAMES]


def _zip_rows(formdata, *names):
    columns = [formdata.getlist(name) for name in names]
    length = max((len(column) for column in columns), default=0)
    return [
        tuple((column[i] if i < len(column) else "").strip() for column in columns) for i in range(length)
    ]


def _whole_number(text):
    """A posted number as an int, None when left empty, else as written (the validator names it)."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def read_editor(formdata):
    """Turn the editor's posted fields into webhook settings for validate_webhook."""
    header_rows = [row for row in _zip_rows(formdata, "header_name", "header_value") if any(row)]
    rule_rows = [
        {"field": f, "op": op, "value": value}
        for f, op, value in _zip_rows(formdata, "rule_field", "rule_op", "rule_value") if f or value
    ]
    headers = {}
    for name, value in header_rows:
        headers[name] = value
    rules = [
        {"field": row["field"], "op": row["op"]} | ({} if row["op"] in VALUELESS else {"value": row["value"]})
        for row in rule_rows
    ]
    data = {
        "name": formdata.get("name", "").strip(),
        "url": formdata.get("url", "").strip(),
        "method": formdata.get("method", "POST"),
        "format": formdata.get("format", "json"),
        "headers": headers,
        "body_template": formdata.get("body_template") or None,
        "conditions": {"match": formdata.get("match", "all"), "rules": rules} if rules else None,
        "enabled": formdata.get("enabled") in ("y", "on", "true", "1"),
        "attach_files": formdata.get("attach_files") in ("y", "on", "true", "1"),
        "rate_limit": _whole_number(formdata.get("rate_limit", "")),
    }
    return EditorState(data, header_rows, rule_rows)


def header_row_errors(state, errors):
    """Errors for header rows the dict could not hold: a value without a name, a repeated name."""
    seen = set()
    for name, _value in state.header_rows:
        if not name:
            errors["headers"] = _("every header needs a name")
        elif name.lower() in seen:
            errors[f"headers.{name}"] = _("is set twice")
        seen.add(name.lower())
    return errors


def state_from_settings(settings):
    """The editor's state for saved (or preset-built) settings."""
    conditions = settings.get("conditions") or {}
    return EditorState(
        data=dict(settings),
        header_rows=list((settings.get("headers") or {}).items()),
        rule_rows=[
            {"field": rule.get("field", ""), "op": rule.get("op", "equals"), "value": str(rule.get("value", ""))}
            for rule in conditions.get("rules") or []
        ],
    )


def settings_of(webhook):
    return {
        "name": webhook.name, "url": webhook.url, "method": webhook.method, "format": webhook.format,
        "headers": dict(webhook.headers or {}), "body_template": webhook.body_template,
        "conditions": webhook.conditions, "enabled": webhook.enabled, "attach_files": webhook.attach_files,
        "rate_limit": webhook.rate_limit,
    }


def masked_settings(settings):
    """Settings for the editor page: credential header values and URL tokens shown as a mask, never in clear."""
    return {**settings, "url": redact(settings.get("url") or ""), "headers": mask_headers(settings.get("headers"))}


def unmask_url(posted, stored):
    """The posted URL with each mask put back to the stored secret it hides; None when that is ambiguous.

    The editor shows redact(stored): the literal text between the masks locates each hidden value in
    stored, and the user may change anything around the masks without revealing them.
    """
    if MASK not in posted:
        return posted
    literals = redact(stored or "").split(MASK)
    hidden = re.fullmatch("(.*?)".join(re.escape(part) for part in literals), stored or "", re.DOTALL)
    if hidden is None or posted.count(MASK) != len(literals) - 1:
        return None
    pieces = posted.split(MASK)
    return "".join(piece + (hidden.group(i + 1) if i < len(hidden.groups()) else "") for i, piece in enumerate(pieces))


def keep_masked_values(posted_headers, stored_headers):
    """A header posted back exactly as the editor masked it keeps its stored value (the user did not change it)."""
    for name, value in posted_headers.items():
        stored = stored_headers.get(name)
        if is_masked(value) and stored is not None and value == mask_header_value(name, stored):
            posted_headers[name] = stored


def latest_submission(form):
    return db.session.scalar(
        scoped(Submission, form.workspace_id).where(Submission.form_id == form.id, Submission.status == ACCEPTED)
        .order_by(Submission.id.desc()).limit(1)
    )


def _template_problems(data, field_keys):
    """Template errors and warnings only: the address check waits for Save, not each keystroke."""
    errors, warnings = {}, []
    sources = {"url": data["url"], "body_template": data["body_template"]}
    sources.update({f"headers.{name}": value for name, value in data["headers"].items()})
    for where, source in sources.items():
        try:
            warnings.extend(templating.check_template(source or "", field_keys))
        except templating.TemplateError as exc:
            errors[where] = str(exc)
    if data["method"] not in METHODS:
        errors["method"] = _("must be one of %(choices)s", choices=", ".join(METHODS))
    if data["format"] not in payloads.FORMATS:
        errors["format"] = _("must be one of %(choices)s", choices=", ".join(payloads.format_names()))
    return errors, sorted(set(warnings))


def preview(form, data, secret=None):
    """Render the request this webhook would send for the form's latest submission (or sample answers)."""
    errors, warnings = _template_problems(data, form.field_keys())
    submission = latest_submission(form)
    if submission is not None:
        event, payload = "submission.created", _as_current_form(outbox.event_data(form, submission), form)
        warnings.extend(_unanswered_names(data, form, payload))
        source = _("the latest submission (%(id)s, %(time)s)", id=submission.id,
                   time=timezones.localtime_filter(submission.created_at))
    else:
        event, payload = "webhook.test", outbox.test_event_data(form)
        source = _("sample answers (this form has no submissions yet)")
    result = {"source": source, "errors": errors, "warnings": warnings, "request": None}
    if errors:
        return result
    # transient objects: never added to the session, so nothing is saved
    webhook = Webhook(
        form_id=form.id, url=data["url"], method=data["method"], format=data["format"],
        headers=data["headers"], body_template=data["body_template"], secret=secret or new_secret(),
    )
    delivery = Delivery(id=PREVIEW_ID, event=event, payload=payload, created_at=utcnow())
    try:
        prepared = sender.prepare_request(webhook, delivery)
    except templating.TemplateError as exc:  # e.g. over TEMPLATE_MAX_OUTPUT with these answers
        errors[exc.field or "body_template"] = exc.reason or str(exc)
        return result
    body = prepared.body.decode("utf-8", errors="replace")
    parse = payloads.FORMATS[data["format"]].parse
    if parse is not None and data["body_template"]:
        try:
            parse(body)
        except ValueError:
            warnings.append(f"the body is not valid {data['format'].upper()} with these answers")
    result["request"] = {
        "method": prepared.method, "url": prepared.url,
        "headers": mask_headers(prepared.headers), "body": pretty_body(body, data["format"]),
    }
    return result


def _as_current_form(payload, form):
    """The latest submission with only the form's current keys: a renamed or deleted key's old answer
    is not what the next submission sends, so the preview must not show it (the warnings say empty)."""
    keys = set(form.field_keys())
    answers = payload["submission"].get("answers") or {}
    payload["submission"] = {**payload["submission"], "answers": {k: v for k, v in answers.items() if k in keys}}
    return payload


def _unanswered_names(data, form, payload):
    """Warnings for field keys the templates use that the latest submission has no answer for."""
    answers = payload["submission"]["answers"]
    sources = [data["url"], data["body_template"], *data["headers"].values()]
    return [
        f"'{key}' has no answer in the latest submission, so it shows empty here"
        for key in form.field_keys()
        if key not in answers and any(template_uses(source, key) for source in sources)
    ]


def pretty_body(body, fmt):
    """A JSON or XML body indented for reading; anything else (or anything unparsable) as sent."""
    if len(body) > PRETTY_MAX_BYTES:
        return body
    try:
        if fmt == "json":
            return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        if fmt == "xml":
            pretty = minidom.parseString(body.encode()).toprettyxml(indent="  ")
            return "\n".join(line for line in pretty.splitlines() if line.strip())
    except (ValueError, ExpatError):
        pass
    return body


OPERATOR_CHOICES = [(op, OPERATOR_LABELS[op]) for op in OPERATORS]
