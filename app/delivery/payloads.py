"""Request bodies for each webhook format (CONTRACT.md §6), and the table of formats.

Adding a format is one entry in FORMATS (a BodyFormat with its content type, body builder and
template escaping) and its test; every other module asks this table.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.etree import ElementTree

from flask_babel import lazy_gettext

from app.delivery import templating
from app.delivery.templating import as_text, escape_xml


class UnknownFormat(ValueError):
    """A webhook names a body format this version does not send."""


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


def _quoted(text):
    # names are field keys ([a-z][a-z0-9_]*) or our own _names; quote-escape anyway (file names too)
    return templating.escape_header(text).replace("\\", "\\\\").replace('"', '\\"')


def _multipart(pairs, boundary, attachments=()):
    parts = []
    for name, value in pairs:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(name)}"\r\n'
                     f"Content-Type: text/plain; charset=utf-8\r\n\r\n{value}\r\n".encode())
    for attachment in attachments:
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{_quoted(attachment.key)}"; '
                f'filename="{_quoted(attachment.name)}"\r\nContent-Type: {attachment.content_type}\r\n\r\n')
        parts.append(head.encode() + attachment.data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


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


def _boundary(pairs, attachments=()):
    # derived from the content, so every attempt of a delivery sends the same bytes, and a value
    # cannot contain it: the boundary is a hash of every value, so no value can predict it
    content = hashlib.sha256(json.dumps(pairs).encode())
    for attachment in attachments:
        content.update(hashlib.sha256(attachment.data).digest())
    digest = content.hexdigest()
    return "formhook-" + digest[:32]


def _json_body(event, timestamp, data):
    return "application/json", json.dumps(event_document(event, timestamp, data), ensure_ascii=False).encode()


def _form_body(event, timestamp, data):
    return "application/x-www-form-urlencoded", urlencode(_answer_fields(event, data)).encode()


def _multipart_body(event, timestamp, data, attachments=()):
    pairs = _answer_fields(event, data)
    boundary = _boundary(pairs, attachments)
    return f"multipart/form-data; boundary={boundary}", _multipart(pairs, boundary, attachments)


def _xml_body(event, timestamp, data):
    return "application/xml", _xml(event, data)


@dataclass(frozen=True)
class BodyFormat:
    """One webhook body format."""

    name: str
    label: str  # for the editor's format picker
    content_type: str  # of a body_template's rendering
    escaping: str  # the templating context a body template renders in (see templating.CONTEXTS)
    build: Callable  # (event, timestamp, data) -> (content type, body bytes): the default body
    parse: Callable | None = None  # raises ValueError when a rendered template is not a document of it
    attaches: bool = False  # can carry the uploaded files themselves (build takes `attachments`)


@dataclass(frozen=True)
class Attachment:
    """One uploaded file sent inside a body: the field key it answers, its name, type and bytes."""

    key: str
    name: str
    content_type: str
    data: bytes


def _parse_xml(text):
    try:
        ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise ValueError(str(exc)) from exc


FORMATS = {entry.name: entry for entry in (
    BodyFormat("json", "JSON (application/json)", "application/json", "json", _json_body, json.loads),
    BodyFormat("form", lazy_gettext("Form (x-www-form-urlencoded)"), "application/x-www-form-urlencoded", "url",
               _form_body),
    # a hand-written multipart body has no boundary we could name: it is sent as text
    BodyFormat("multipart", "Multipart (multipart/form-data)", "text/plain; charset=utf-8", "text",
               _multipart_body, attaches=True),
    BodyFormat("xml", "XML (application/xml)", "application/xml", "xml", _xml_body, _parse_xml),
)}


def format_names():
    return tuple(FORMATS)


def body_format(name):
    """The BodyFormat called name; UnknownFormat (saying which exist) when there is none."""
    try:
        return FORMATS[name]
    except (KeyError, TypeError):
        raise UnknownFormat(
            f"unknown webhook format {name!r}: this version sends {', '.join(FORMATS)}"
        ) from None


def build_body(fmt, event, timestamp, data, body_template=None, context=None, attachments=()):
    """Return (content_type, body bytes) for a webhook of format fmt; UnknownFormat for a format we lack.

    attachments (Attachment) go in the body when the format can carry files and no template replaces it.
    """
    entry = body_format(fmt)
    if body_template:
        return entry.content_type, templating.render(body_template, context or {}, entry.escaping).encode()
    if attachments and entry.attaches:
        return entry.build(event, timestamp, data, attachments=attachments)
    return entry.build(event, timestamp, data)
