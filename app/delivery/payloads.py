"""Request bodies for each webhook format (CONTRACT.md §6)."""

import hashlib
import json
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

from app.delivery import templating

CONTENT_TYPES = {
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data",
    "xml": "application/xml",
}
TEMPLATE_CONTEXT = {"json": "json", "xml": "xml", "form": "url", "multipart": "text"}


def event_document(event, timestamp, data):
    """The JSON envelope: type, timestamp and data."""
    return {"type": event, "timestamp": timestamp, "data": data}


def _flat_value(value):
    return templating._as_text(value)


def _answer_fields(event, data):
    """The answers as (name, value) pairs, plus _event/_form_id/_submission_id."""
    submission = data.get("submission") or {}
    pairs = [(key, _flat_value(value)) for key, value in (submission.get("answers") or {}).items()]
    pairs += [
        ("_event", event),
        ("_form_id", (data.get("form") or {}).get("id", "")),
        ("_submission_id", submission.get("id") or ""),
    ]
    return pairs


def _urlencoded(pairs):
    return urlencode(pairs).encode()


def _multipart(pairs, boundary):
    lines = []
    for name, value in pairs:
        safe_name = name.replace('"', "%22").replace("\r", "").replace("\n", "")
        lines.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{safe_name}\"\r\n\r\n{value}\r\n")
    lines.append(f"--{boundary}--\r\n")
    return "".join(lines).encode()


def _xml(event, data):
    submission = data.get("submission") or {}
    form = data.get("form") or {}
    parts = [
        f'<submission id="{xml_escape(submission.get("id") or "")}" event="{xml_escape(event)}"'
        f' form_id="{xml_escape(form.get("id") or "")}">'
    ]
    for key, value in (submission.get("answers") or {}).items():
        # keys are [a-z][a-z0-9_]* (validated on save), so they are valid element names
        parts.append(f"<{key}>{xml_escape(_flat_value(value))}</{key}>")
    parts.append("</submission>")
    return ('<?xml version="1.0" encoding="UTF-8"?>' + "".join(parts)).encode()


def build_body(fmt, event, timestamp, data, body_template=None, context=None):
    """Return (content_type, body bytes) for a webhook of format fmt."""
    content_type = CONTENT_TYPES[fmt]
    boundary = None
    if fmt == "multipart":
        # derived from the content, so every attempt of a delivery sends the same bytes
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        boundary = "formhook-" + digest[:24]
        content_type = f"{content_type}; boundary={boundary}"
    if body_template:
        body = templating.render(body_template, context or {}, TEMPLATE_CONTEXT[fmt]).encode()
        if fmt == "multipart":
            content_type = "text/plain; charset=utf-8"
        return content_type, body
    if fmt == "json":
        return content_type, json.dumps(event_document(event, timestamp, data), ensure_ascii=False).encode()
    if fmt == "form":
        return content_type, _urlencoded(_answer_fields(event, data))
    if fmt == "multipart":
        return content_type, _multipart(_answer_fields(event, data), boundary)
    return content_type, _xml(event, data)
