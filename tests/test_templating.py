"""Sandboxed templates, escaped for where the value lands."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from app.delivery.templating import TemplateError, build_context, check_template, render

SEED_URL = (
    "https://crm.example/webhook?campaign_name={{ campaign_name }}"
    "&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}"
)
HOSTILE = "Zoë & Co = #1 \"quoted\" <b> }} {{ x }}\r\nX-Injected: yes ✓"


def context(**answers):
    return build_context(
        form={"id": "frm_1", "name": "Leads & More"},
        submission={"id": "sub_1", "created_at": "2026-01-01T00:00:00+00:00", "answers": answers,
                    "meta": {"utm_source": "news letter"}},
        event="submission.created",
    )


def test_seed_url_expands_with_every_value_url_encoded():
    answers = {"campaign_name": "Spring & Summer", "campaign_type": "email=1", "lead_status": "new #1"}
    url = render(SEED_URL, context(**answers), "url")
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).netloc == "crm.example"
    assert query == {"campaign_name": ["Spring & Summer"], "campaign_type": ["email=1"], "lead_status": ["new #1"]}


@pytest.mark.parametrize("value", ["a&b=c", "with spaces", "#fragment", "Zoë ✓", "line\nbreak", HOSTILE])
def test_url_values_cannot_break_the_query(value):
    url = render("https://x.test/h?v={{ v }}&after=1", context(v=value), "url")
    parts = urlsplit(url)
    assert parts.fragment == ""
    assert parse_qs(parts.query) == {"v": [value], "after": ["1"]}


def test_json_context_escapes_inside_strings():
    body = render('{"name": "{{ v }}", "form": "{{ form.name }}"}', context(v=HOSTILE), "json")
    assert json.loads(body) == {"name": HOSTILE, "form": "Leads & More"}


def test_xml_context_escapes_markup():
    import xml.etree.ElementTree as ET

    body = render('<lead note="{{ v }}"><v>{{ v }}</v></lead>', context(v=HOSTILE), "xml")
    root = ET.fromstring(body)
    # CR and LF are character references, so the parser's normalising keeps them
    assert root.find("v").text == HOSTILE
    assert root.get("note") == HOSTILE


def test_header_context_strips_cr_and_lf():
    value = render("Bearer {{ v }}", context(v=HOSTILE), "header")
    assert "\r" not in value and "\n" not in value
    assert value.startswith("Bearer Zoë & Co")


def test_names_meta_form_submission_event():
    source = "{{ meta.utm_source }}|{{ form.id }}|{{ submission.id }}|{{ event }}|{{ missing }}"
    text = render(source, context(), "text")
    assert text == "news letter|frm_1|sub_1|submission.created|"


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ form.__class__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ (1).__class__ }}",
])
def test_reaching_python_internals_is_refused_at_save(source):
    with pytest.raises(TemplateError):
        check_template(source, ["email"])


def test_reaching_internals_never_runs_at_render():
    from jinja2.sandbox import SecurityError

    with pytest.raises(SecurityError):
        render("{{ ''.__class__.__mro__ }}", context(), "url")


def test_syntax_error_is_refused_and_unknown_names_warn():
    with pytest.raises(TemplateError, match="syntax"):
        check_template("https://x.test/?a={{ email", ["email"])
    assert check_template("https://x.test/?a={{ email }}&b={{ nope }}", ["email"]) == [
        "unknown name 'nope' renders as empty"
    ]
