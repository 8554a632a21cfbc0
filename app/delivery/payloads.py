"""Request bodies for each webhook format (CONTRACT.md §6)."""

import hashlib
import json
from urllib.parse import urlencode

from app.delivery import templating
from app.delivery.templating import as_text, escape_xml

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


def _answer_fields(event, data):
    """The answers as (name, value) pairs, plus _event/_form_id/_submission_id."""
    submission = data.get("submission") or {}
    pairs = [(key, as_text(value)) for key, value in (submission.get("answers") or {}).items()]
    pairs += [
        ("_event", event),
        ("_form_id", (data.get("form") or {}).get("id", "")),
        ("_submission_id", submission.get("id") or ""),
    ]
    return pairs


def _multipart(pairs, boundary):
    parts = []
    for name, value in pairs:
        # names are field keys ([a-z][a-z0-9_]*) or our own _names; quote-escape anyway
        safe_name = templating.escape_header(name).replace("\\", "\\\\").replace('"', '\\"')
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{safe_name}"\r\n'
                     f"Content-Type: text/plain; charset=utf-8\r\n\r\n{value}\r\n")
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode()


def _xml(event, data):
    submission = data.get("submission") or {}
    form = data.get("form") or {}
    parts = [
        f'<submission id="{escape_xml(submission.get("id"))}" event="{escape_xml(event)}"'
        f' form_id="{escape_xml(form.get("id"))}">'
    ]
    for key, value in (submission.get("answers") or {}).items():
        # keys are [a-z][a-z0-9_]* (validated on save), so they are valid element names
        parts.append(f"<{key}>{escape_xml(value)}</{key}>")
    parts.append("</submission>")
    return ('<?xml version="1.0" encoding="UTF-8"?>' + "".join(parts)).encode()


def _boundary(pairs):
    # derived from the content, so every attempt of a delivery sends the same bytes, and a value
    # cannot contain it: the boundary is a hash of every value, so no value can predict it
    digest = hashlib.sha256(json.dumps(pairs).encode()).hexdigest()
    return "formhook-" + digest[:32]


def build_body(fmt, event, timestamp, data, body_template=None, context=None):
    """Return (content_type, body bytes) for a webhook of format fmt."""
    if body_template:
        body = templating.render(body_template, context or {}, TEMPLATE_CONTEXT[fmt]).encode()
        # a hand-written multipart body has no boundary we could name: send it as text
        content_type = "text/plain; charset=utf-8" if fmt == "multipart" else CONTENT_TYPES[fmt]
        return content_type, body
    if fmt == "json":
        return CONTENT_TYPES[fmt], json.dumps(event_document(event, timestamp, data), ensure_ascii=False).encode()
    pairs = _answer_fields(event, data)
    if fmt == "form":
        return CONTENT_TYPES[fmt], urlencode(pairs).encode()
    if fmt == "multipart":
        boundary = _boundary(pairs)
        return f"{CONTENT_TYPES[fmt]}; boundary={boundary}", _multipart(pairs, boundary)
    return CONTENT_TYPES[fmt], _xml(event, data)
