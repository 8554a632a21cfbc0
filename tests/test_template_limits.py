"""Templates are bounded by construction: output, source, tokens and nesting; only data renders (issue 12)."""

import json

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.delivery import sender, templating
from app.delivery.template_limits import Limits
from app.delivery.templating import TemplateError, TemplateTooLarge, build_context, check_template, render
from app.models import Attempt, Webhook
from tests.api_support import assert_error
from tests.conftest import drain, make_form, make_webhook
from tests.delivery_support import form_with_webhook, only_delivery, submit

LONG = "x" * 10_000  # the longest answer a text field accepts
JOIN_ATTACK = "{{ name|list|join(name) }}"  # 10,000 characters joined by themselves: 100 MB
LIMITS = Limits()


def context(**answers):
    return build_context(form={"id": "frm_1", "name": "Leads"},
                         submission={"id": "sub_1", "answers": answers, "meta": {}}, event="submission.created")


# --- output: counted while rendering, every filter measured -------------------------------------------------

@pytest.mark.parametrize("source", [
    JOIN_ATTACK,
    "{{ name|list|join(name|list|join(name)) }}",  # cubic
    "{{ name|list|join(name|list|join(name|list|join(name))) }}",
    "{{ " + " ~ ".join(["name"] * 150) + " }}",  # ~ adds up 1.5 MB
    "{{ name }}" * 150,  # each piece small, the whole past the cap
    "{{ [name|list, name|list, name|list]|tojson(16) }}",
])
def test_amplifying_templates_stop_at_the_output_cap(source):
    check_template(source, ["name"])  # short sample answers: it passes the save-time check
    with pytest.raises(TemplateTooLarge, match="TEMPLATE_MAX_OUTPUT"):
        render(source, context(name=LONG), "json")


def test_a_long_answer_alone_renders_and_the_cap_follows_the_setting(app):
    assert render("{{ name }}" * 100, context(name=LONG), "text") == LONG * 100  # 1,000,000 bytes, under 1 MiB
    app.config["TEMPLATE_MAX_OUTPUT"] = 50_000
    with app.app_context():
        assert render("{{ name }}" * 5, context(name=LONG), "text") == LONG * 5
        with pytest.raises(TemplateTooLarge, match="50,000 bytes"):
            render("{{ name }}" * 6, context(name=LONG), "text")


def test_output_is_counted_in_utf8_bytes():
    wide = "✓" * 10_000  # 30,000 bytes
    render("{{ v }}" * 34, context(v=wide), "text")
    with pytest.raises(TemplateTooLarge):
        render("{{ v }}" * 35, context(v=wide), "text")


@pytest.mark.parametrize(("source", "message"), [
    ("{{ 1|round(999999999, 'ceil') }}", "precision"),  # 10 ** 999999999
    ("{{ name|tojson(999999999) }}", "indent"),  # a billion spaces per line
    ("{{ name|trim(other) }}", "trim"),  # stripping a 10,000-character set is quadratic
])
def test_filters_whose_arguments_multiply_are_refused(source, message):
    with pytest.raises(TemplateError, match=message):
        render(source, context(name="ab", other=LONG), "text")


def test_work_is_bounded_not_only_output():
    # each expression is one character of output but reads 10,000 items: the render stops early
    with pytest.raises(TemplateTooLarge, match="too much work"):
        render("{{ name|list|sort|first }}" * 200, context(name=LONG), "text")


# --- source: size, tokens, nesting, checked before anything recursive runs ----------------------------------

DEEP_TEMPLATES = {
    "300 nested parentheses": "{{ " + "(" * 300 + "name" + ")" * 300 + " }}",
    "2,000 nested ifs": "{% if name %}" * 2000 + "x" + "{% endif %}" * 2000,
    "3,000 nested lists": "{{ " + "[" * 3000 + "name" + "]" * 3000 + " }}",
    "20,000 chained filters": "{{ name" + "|trim" * 20_000 + " }}",
    "40 chained filters": "{{ name" + "|trim" * 40 + " }}",
    "3,000 nots": "{{ " + "not " * 3000 + "name }}",
    "250 KB body": '{"a": "' + "x" * 250_000 + '"}',
    "3,000 names": "{{ name }}" * 3000,
}


@pytest.mark.parametrize("source", DEEP_TEMPLATES.values(), ids=DEEP_TEMPLATES.keys())
def test_oversized_and_deep_templates_are_refused_with_a_limit_named(source):
    with pytest.raises(TemplateError, match="TEMPLATE_MAX_(SOURCE|DEPTH|TOKENS)"):
        check_template(source, ["name"])
    with pytest.raises(TemplateError, match="TEMPLATE_MAX_(SOURCE|DEPTH|TOKENS)"):
        render(source, context(name="a"), "json")  # a stored template is held to the limits too


def test_a_recursion_error_past_raised_limits_is_still_a_template_error(app):
    app.config.update(TEMPLATE_MAX_DEPTH=10**6, TEMPLATE_MAX_TOKENS=10**6, TEMPLATE_MAX_SOURCE=10**7)
    with app.app_context():
        for source in ("{{ " + "(" * 3000 + "name" + ")" * 3000 + " }}", "{{ name" + "|trim" * 20_000 + " }}",
                       "{% if name %}" * 2000 + "x" + "{% endif %}" * 2000):
            with pytest.raises(TemplateError, match="nested too deeply"):
                check_template(source, ["name"])


def test_ordinary_templates_are_well_inside_the_limits():
    body = json.dumps({f"field_{n}": "{{ name|default('')|trim|truncate(50) }}" for n in range(100)})
    assert check_template(body, ["name"]) == []
    assert json.loads(render(body, context(name="Ana"), "json"))["field_99"] == "Ana"


# --- only data renders ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "warning"), [
    ("{{ lipsum }}", "lipsum"), ("{{ range }}", "range"), ("{{ cycler }}", "cycler"), ("{{ joiner }}", "joiner"),
    ("{{ namespace }}", "namespace"), ("{{ dict }}", "dict"), ("{{ form.items }}", "form.items"),
    ("{{ email.format }}", "email.format"), ("{{ email.upper }}", "email.upper"),
    ("{{ submission.keys }}", "submission.keys"), ("{{ form['values'] }}", None),
    ("{{ self }}", "self"), ("{{ self|string }}", "self"), ("{{ lipsum|string }}", "lipsum"),
    ("{{ 'x' ~ lipsum ~ self }}", "lipsum"), ("{{ [self, lipsum]|join(',') }}", "lipsum"),
])
def test_only_data_renders_and_saving_warns_about_the_rest(source, warning):
    text = render(source, context(email="ana@example.com"), "text")
    assert " at 0x" not in text and "<" not in text and text.strip("x,") == ""
    warnings = check_template(source, ["email"])
    if warning:
        # a near match may follow ("did you mean submission?")
        assert any(w.startswith(f"unknown name '{warning}' renders as empty") for w in warnings), warnings


def test_data_still_renders_through_dots_brackets_and_filters():
    files = [{"name": "cv.pdf", "url": "https://files.example/cv"}]
    source = "{{ files[0].url }}|{{ form.name }}|{{ topics|reverse }}|{{ topics|unique|join('+') }}|{{ email[:3] }}"
    assert render(source, context(files=files, topics=["a", "b", "a"], email="ana@x"), "text") == (
        "https://files.example/cv|Leads|a, b, a|a+b|ana")
    assert check_template(source, ["files", "topics", "email"]) == []


# --- the API and the dashboard name the field --------------------------------------------------------------

@pytest.fixture
def form(api):
    return api.create_form()


@pytest.mark.parametrize("where", ["url", "header", "body_template"])
@pytest.mark.parametrize("source", [
    DEEP_TEMPLATES["300 nested parentheses"], DEEP_TEMPLATES["2,000 nested ifs"],
    DEEP_TEMPLATES["3,000 nested lists"], DEEP_TEMPLATES["20,000 chained filters"], DEEP_TEMPLATES["250 KB body"],
], ids=["parentheses", "ifs", "lists", "filters", "250KB"])
def test_api_refuses_deep_or_huge_templates_naming_the_field(app, api, form, where, source):
    body, field = {"url": "https://crm.example/hook"}, where
    if where == "url":
        body["url"] += "?q=" + source
    elif where == "header":
        body["headers"], field = {"X-Lead": source}, "headers.X-Lead"
    else:
        body["body_template"] = source
    response = api.post(f"/forms/{form['id']}/webhooks", json=body)
    assert_error(response, 422, field)
    webhook = api.create_webhook(form["id"], "https://crm.example/hook")
    patch = {key: value for key, value in body.items() if key != "url" or where == "url"}
    assert_error(api.patch(f"/webhooks/{webhook['id']}", json=patch), 422, field)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Webhook.id))) == 1


def test_api_says_which_limit(api, form):
    response = api.post(f"/forms/{form['id']}/webhooks", json={
        "url": "https://crm.example/hook", "body_template": DEEP_TEMPLATES["250 KB body"]})
    assert "TEMPLATE_MAX_SOURCE" in response.get_json()["error"]["fields"]["body_template"]


def test_dashboard_editor_refuses_deep_templates_naming_the_field(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id)
    response = client.post(f"/forms/{form_id}/webhooks/new", data={
        "url": "https://crm.example/hook", "method": "POST", "format": "json", "match": "all", "enabled": "y",
        "body_template": DEEP_TEMPLATES["2,000 nested ifs"],
        "header_name": ["X-Lead"], "header_value": [DEEP_TEMPLATES["300 nested parentheses"]],
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("is nested too deeply") == 2 and "TEMPLATE_MAX_DEPTH" in page
    with app.app_context():
        assert db.session.scalars(select(Webhook)).all() == []


def test_preview_of_an_over_cap_render_is_a_clear_422(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, public_id = make_form(app, workspace_id)
    submit(client, public_id, {"name": LONG, "email": "ana@example.com"})
    response = client.post(f"/forms/{form_id}/webhooks/preview", data={
        "url": "https://crm.example/hook", "method": "POST", "format": "json", "match": "all",
        "body_template": JOIN_ATTACK,
    })
    assert response.status_code == 422
    result = response.get_json()
    assert result["request"] is None
    assert result["errors"]["body_template"] == (
        "renders more than 1,048,576 bytes, the most one template may produce (TEMPLATE_MAX_OUTPUT)")


# --- delivery: an over-cap render fails at once, attempts keep an excerpt -----------------------------------

def test_an_over_cap_render_fails_the_delivery_once_without_retrying(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook", body_template=JOIN_ATTACK)
    submit(client, public_id, {"name": LONG, "email": "ana@example.com"})
    drain(app)
    assert receiver.requests == []
    delivery = only_delivery(app)
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 1 and delivery["next_attempt_at"] is None
    assert delivery["last_error"] == (
        "template error: the body template: renders more than 1,048,576 bytes, the most one template may"
        " produce (TEMPLATE_MAX_OUTPUT)")


def test_an_attempt_keeps_an_excerpt_of_a_large_body(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook", format="xml",
                                        body_template="<a>" + "{{ name }}" * 20 + "</a>")
    submit(client, public_id, {"name": LONG, "email": "ana@example.com"})
    drain(app)
    assert len(receiver.requests[0].body) == 200_007  # the receiver got all of it
    with app.app_context():
        attempt = db.session.scalars(select(Attempt)).one()
        request = attempt.request
    assert request["body"] == ("<a>" + LONG * 20)[:sender.BODY_EXCERPT_BYTES]
    assert request["body_size"] == 200_007 and request["body_truncated"] is True
    assert len(json.dumps(request)) < sender.BODY_EXCERPT_BYTES + 4096
    accounts.login(client)
    page = client.get(f"/deliveries/{attempt.delivery_id}").get_data(as_text=True)
    assert "The first 64 KiB of a 200,007-byte body are kept." in page


def test_small_bodies_are_kept_whole():
    assert sender.body_record(b'{"a": 1}') == {"body": '{"a": 1}'}


def test_stored_templates_from_before_the_limits_fail_cleanly(app, client, accounts, receiver):
    form_id, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/ok")
    make_webhook(app, form_id, f"{receiver.url}/deep", body_template=DEEP_TEMPLATES["3,000 nested lists"])
    submit(client, public_id)
    drain(app)
    assert [request.path for request in receiver.requests] == ["/ok"]
    with app.app_context():
        errors = [attempt.error for attempt in db.session.scalars(select(Attempt)) if attempt.error]
    assert errors == [
        "template error: the body template: is nested too deeply: at most 32 levels of brackets, if blocks,"
        " filters and operators (TEMPLATE_MAX_DEPTH)"]


def test_templating_module_names_its_limits():
    assert (LIMITS.max_output, LIMITS.max_source, LIMITS.max_tokens, LIMITS.max_depth) == (
        1_048_576, 65_536, 2_000, 32)
    assert templating.TemplateTooLarge is TemplateTooLarge
