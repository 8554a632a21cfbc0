"""Hostile input, fuzzed with hypothesis: the public endpoint and template rendering.

Properties: never a 5xx, never a half-stored submission (a submission always comes with its
delivery, or nothing is stored), never code execution. FUZZ_EXAMPLES scales the case count.
"""

import json
import os
from datetime import timedelta
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.extensions import db
from app.delivery import templating
from app.files.storage import storage
from app.models import Delivery, StoredFile, Submission
from app.models.base import utcnow
from tests.conftest import make_form, make_webhook
from tests.figures import report
from tests.upload_support import HTML_PAYLOAD, SVG_PAYLOAD, pdf_bytes, png_bytes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email"},
    {"key": "age", "label": "Age", "type": "number"},
    {"key": "plan", "label": "Plan", "type": "select", "options": ["basic", "pro"]},
    {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["x", "y", "z"]},
    {"key": "size", "label": "Size", "type": "radio", "options": ["s", "m"]},
    {"key": "when", "label": "When", "type": "date"},
    {"key": "site", "label": "Site", "type": "url"},
    {"key": "phone", "label": "Phone", "type": "phone"},
    {"key": "notes", "label": "Notes", "type": "textarea"},
    {"key": "campaign", "label": "Campaign", "type": "hidden", "default": "spring"},
    {"key": "doc", "label": "Document", "type": "file", "settings": {"max_files": 2, "accept": ["image", "pdf"]}},
]
FIELD_KEYS = [field["key"] for field in FIELDS]
PDF, PNG = pdf_bytes(), png_bytes()
VALID_ANSWERS = {"name": "Ana", "email": "ana@example.com"}
HOSTILE_TEXT = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}", "{% import os %}", "<script>alert(1)</script>",
    "'; DROP TABLE submissions; --", "\x00", "\ud800", "\r\nX-Injected: 1", "../../etc/passwd", "Zoë & Co",
    "basic", "pro", "x", "2026-02-30", "2026-01-01", "ana@example.com", "https://example.com", "42", "-1e309",
    "1e999", "NaN", "-Infinity", "9" * 5000, "0." + "0" * 40 + "1", "a\udfffb", "\ud83d", "nul\x00inside",
]
CONTENT_TYPES = [
    "application/json", "application/json; charset=latin-1", "application/vnd.api+json",
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-16",
    "multipart/form-data; boundary=BOUNDARY", "multipart/form-data", "text/plain", "application/xml", "",
    "*/*", "application/json; boundary=x", "multipart/mixed; boundary=BOUNDARY",
]
CONTENT_TYPES_FOR = {
    "json": ["application/json"], "json_dupes": ["application/json"],
    "urlencoded": ["application/x-www-form-urlencoded"], "multipart": ["multipart/form-data; boundary=BOUNDARY"],
    "files": ["multipart/form-data; boundary=BOUNDARY"],
    "random": CONTENT_TYPES, "deep": ["application/json"],
}
ACCEPTS = ["application/json", "text/html", "*/*", "", "application/json;q=0.1, text/html", "image/png"]

keys = st.sampled_from([*FIELD_KEYS, "_hp_website", "_referrer", "utm_source", "answers", "__proto__"]) | st.text(
    max_size=12
)
texts = st.sampled_from(HOSTILE_TEXT) | st.text(max_size=40) | st.text(min_size=2000, max_size=6000)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=8,
)
pairs = st.lists(st.tuples(keys, texts), max_size=12)  # repeated keys are duplicates


def _raw_bytes(text):
    return text.encode("utf-8", "surrogatepass")


@st.composite
def bodies(draw):
    """A request body of one of many shapes, with its content type."""
    kind = draw(st.sampled_from(["json", "json_dupes", "urlencoded", "multipart", "files", "random", "deep"]))
    content_type = draw(st.sampled_from(CONTENT_TYPES_FOR[kind]) | st.sampled_from(CONTENT_TYPES))
    if kind == "json":
        data = draw(st.dictionaries(keys, json_values, max_size=12) | json_values)
        if isinstance(data, dict) and draw(st.booleans()):  # often valid, so the storing path is fuzzed too
            data = {**data, **VALID_ANSWERS}
        if draw(st.booleans()):
            data = {"answers": data}
        body = json.dumps(data, allow_nan=True).encode()
    elif kind == "deep":  # nested far past any sensible answer, or past Python's recursion limit
        depth = draw(st.integers(min_value=30, max_value=8000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a": ', "}")]))
        body = ('{"name": ' + opener * depth + "1" + closer * depth + "}").encode()
        if draw(st.booleans()):  # a huge or non-finite number literal instead
            body = ('{"name": "Ann", "age": ' + draw(st.sampled_from(["1e999", "-1e400", "7" * 5000])) + "}").encode()
    elif kind == "json_dupes":
        items = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in draw(pairs)]
        body = ("{" + ", ".join(items) + "}").encode("utf-8", "surrogatepass")
    elif kind == "urlencoded":
        encoding = draw(st.sampled_from(["utf-8", "latin-1", "raw"]))
        parts = []
        extra = list(VALID_ANSWERS.items()) if draw(st.booleans()) else []
        for key, value in draw(pairs) + extra:
            raw_key, raw_value = _raw_bytes(key), _raw_bytes(value)
            if encoding == "latin-1":
                raw_value = value.encode("latin-1", "replace")
            if encoding == "raw":
                parts.append(raw_key + b"=" + raw_value + draw(st.binary(max_size=4)))
            else:
                parts.append(quote_from_bytes(raw_key).encode() + b"=" + quote_from_bytes(raw_value).encode())
        body = b"&".join(parts)
    elif kind == "multipart":
        chunks = []
        extra = list(VALID_ANSWERS.items()) if draw(st.booleans()) else []
        for key, value in draw(pairs) + extra:
            filename = '; filename="a.txt"' if draw(st.booleans()) and not value else ""
            chunks.append(
                b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"" + _raw_bytes(key) + b"\"" + filename.encode()
                + b"\r\n\r\n" + _raw_bytes(value) + b"\r\n"
            )
        body = b"".join(chunks) + (b"--BOUNDARY--\r\n" if draw(st.booleans()) else draw(st.binary(max_size=20)))
    elif kind == "files":
        body = _file_parts(draw)
    else:
        body = draw(st.binary(max_size=3000))
    return body, content_type


FILE_CONTENTS = st.sampled_from([PDF, PNG, HTML_PAYLOAD, SVG_PAYLOAD, b"", b"%PDF-" + b"\x00" * 5000]) | st.binary(
    max_size=600,
) | st.binary(min_size=4000, max_size=6000).map(lambda tail: PDF + tail)
FILE_NAMES = st.sampled_from(["cv.pdf", "me.png", "../../etc/passwd.pdf", "a\x00b.pdf", "..", "x.svg", "é\u202e.png",
                              "C:\\fakepath\\cv.pdf", ".pdf", "a" * 400 + ".pdf"]) | texts


# often a file that is kept, so the storing path is fuzzed too; else hostile names and contents
FILES = st.sampled_from([("cv.pdf", PDF), ("me.png", PNG), ("../../up/cv.pdf", PDF)]) | st.tuples(
    FILE_NAMES, FILE_CONTENTS,
)


def _file_parts(draw):
    """A multipart body with file parts under the file field's key (and sometimes others), plus answers."""
    chunks = []
    extra = draw(pairs.map(lambda items: items[:4])) if draw(st.booleans()) else []
    for key, value in list(VALID_ANSWERS.items()) + extra:
        chunks.append(b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"" + _raw_bytes(key) + b"\"\r\n\r\n"
                      + _raw_bytes(value) + b"\r\n")
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        key = draw(st.sampled_from(["doc", "doc", "doc", "name", "_hp_website"]) | keys)
        name, content = draw(FILES)
        chunks.append(
            b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"" + _raw_bytes(key) + b"\"; filename=\""
            + _raw_bytes(name) + b"\"\r\nContent-Type: " + draw(st.sampled_from(
                [b"application/pdf", b"image/png", b"text/html", b"image/svg+xml", b""])) + b"\r\n\r\n"
            + content + b"\r\n"
        )
    return b"".join(chunks) + (b"--BOUNDARY--\r\n" if draw(st.booleans()) else draw(st.binary(max_size=20)))


def _counts():
    submissions = db.session.scalar(select(func.count()).select_from(Submission))
    deliveries = db.session.scalar(select(func.count()).select_from(Delivery))
    files = db.session.scalar(select(func.count()).select_from(StoredFile))
    return submissions, deliveries, files


@pytest.mark.app_config(RATELIMIT_ENABLED=False, SUBMISSION_MAX_BYTES=20000, MAX_CONTENT_LENGTH=20000,
                        UPLOAD_MAX_BYTES=5000)
def test_public_endpoint_never_fails_or_half_stores(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    make_webhook(app, form_id, "http://127.0.0.1:9/hook?name={{ name }}")
    seen = {"cases": 0, "stored": 0, "statuses": {}}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(body=bodies(), accept=st.sampled_from(ACCEPTS), query=st.lists(st.tuples(keys, texts), max_size=3))
    def post(body, accept, query):
        data, content_type = body
        query_string = "&".join(
            f"{quote_from_bytes(_raw_bytes(key))}={quote_from_bytes(_raw_bytes(value))}" for key, value in query
        )
        with app.app_context():
            before = _counts()
        response = client.post(
            f"/f/{public_id}?{query_string}", data=data,
            headers={"Content-Type": content_type, "Accept": accept},
        )
        with app.app_context():
            after = _counts()
            db.session.remove()
        seen["cases"] += 1
        seen["statuses"][response.status_code] = seen["statuses"].get(response.status_code, 0) + 1
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        stored = after[0] - before[0]
        assert stored in (0, 1) and after[1] - before[1] == stored, "a half-stored submission"
        assert stored or after[2] == before[2], "files kept for a refused submission"
        assert (response.status_code in (200, 201, 303)) or stored == 0
        seen["stored"] += stored

    post()
    with app.app_context():
        rows = db.session.scalars(select(StoredFile)).all()
        kept = set(storage().keys_older_than(utcnow() + timedelta(days=1)))
        assert {row.storage_key for row in rows} == {key for key in kept if key.startswith(workspace_id + "/")}
        for row in rows:  # what was kept is a safe name, a sniffed type and the bytes that came
            assert "/" not in row.name and "\\" not in row.name and "\x00" not in row.name
            assert row.content_type in ("application/pdf", "image/png")
            assert len(storage().get(row.storage_key)) == row.size
        files = 0
        for submission in db.session.scalars(select(Submission)):
            assert set(submission.answers) <= set(FIELD_KEYS)
            files += len(submission.answers.get("doc") or [])
            assert isinstance(submission.answers["name"], str) and submission.answers["name"].strip()
            # what is stored can be shown, exported and sent: strict JSON, valid UTF-8, no NUL
            stored = json.dumps([submission.answers, submission.meta], allow_nan=False, ensure_ascii=False)
            stored.encode("utf-8")
            assert "\x00" not in stored
    statuses = ", ".join(f"{code}×{count}" for code, count in sorted(seen["statuses"].items()))
    report(f"fuzz public endpoint: {seen['cases']} cases, {seen['stored']} stored ({files} files), statuses {statuses}")
    assert seen["cases"] >= EXAMPLES // 2


TEMPLATE_TOKENS = [
    "{{", "}}", "{%", "%}", "{#", "#}", " if ", " else ", " endif ", " for ", " in ", " endfor ", " set ",
    "name", "email", "topics", "form.name", "meta.utm_source", "submission.id", "event", ".", "_", "__class__",
    "__globals__", "__subclasses__", "mro", "[", "]", "(", ")", "|", "lower", "join", "center(999999999)",
    "int", "round", "tojson", "default('x')", "*", "**", "9", "99999", "'", '"', "~", "+", ">", "==", "not",
    "range(99999)", "cycler", "lipsum", "self", "config", "request", "import", "os", "popen('id')", "=", ",",
    " ", "x", "attr('__class__')", "format", "{{ name }}", "{% if name %}", "{% endif %}", "\n", "%",
]
templates = st.lists(st.sampled_from(TEMPLATE_TOKENS) | st.text(max_size=4), max_size=14).map("".join)
answer_values = st.one_of(texts, st.lists(st.sampled_from(["x", "y", "z", "Zoë & Co"]), max_size=3),
                          st.sampled_from(["", "0", "12", "-3.5"]))


@settings(max_examples=EXAMPLES * 2, deadline=None, database=None)
@given(template=templates, answers=st.fixed_dictionaries({key: answer_values for key in FIELD_KEYS}))
def test_templates_are_refused_or_render_safely(template, answers):
    TEMPLATE_CASES["cases"] += 1
    try:
        templating.check_template(template, FIELD_KEYS)
    except templating.TemplateError:
        TEMPLATE_CASES["refused"] += 1
        return
    context = templating.build_context(
        form={"id": "frm_1", "name": "Leads"}, submission={"id": "sub_1", "answers": answers, "meta": {}},
        event="submission.created",
    )
    inputs = len(template) + len(json.dumps(answers))
    for where in templating.CONTEXTS:
        try:
            rendered = templating.render(template, context, where)
        except templating.TemplateError:
            continue
        assert isinstance(rendered, str) and len(rendered) <= 20 * inputs + 1000
        assert "<class" not in rendered and "uid=" not in rendered


TEMPLATE_CASES = {"cases": 0, "refused": 0}


def test_report_template_fuzz_cases():
    """Report the template fuzz figures (runs after the property above, in file order)."""
    report(f"fuzz templates: {TEMPLATE_CASES['cases']} cases, {TEMPLATE_CASES['refused']} refused at save")
    assert TEMPLATE_CASES["cases"] >= EXAMPLES
