"""The field-type registry: every type defined in one place, and a new type is local.

The last test registers a type that exists only here (a colour picker) and follows it through
API validation, the hosted page, the HTML snippet, cleaning, CSV and webhook conditions:
nothing outside its module and its partial had to change.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from flask_babel import lazy_gettext
from jinja2 import ChoiceLoader, DictLoader
from wtforms import StringField
from wtforms.validators import Regexp

from app import fields
from app.core.extensions import db
from app.delivery import conditions
from app.fields.base import FieldType
from app.models import Submission
from tests.api_support import assert_error

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_built_in_type_is_registered_in_the_builders_order_with_its_partial():
    assert fields.type_names() == fields.BUILT_IN
    for kind in fields.types():
        assert (TEMPLATES / kind.partial).is_file(), kind.name
        assert set(kind.operators) <= set(conditions.OPERATORS), kind.name
        assert str(kind.label)


def test_an_unknown_type_is_refused_by_name(api):
    response = api.post("/forms", json={"name": "F", "fields": [{"label": "A", "type": "slider"}]})
    error = assert_error(response, 422, "fields[0].type")
    assert "text, email, number" in error["fields"]["fields[0].type"]


@pytest.mark.parametrize(("field", "path"), [
    ({"label": "Age", "type": "number", "default": "thirty"}, "fields[0].default"),
    ({"label": "Day", "type": "date", "default": "01/03/2026"}, "fields[0].default"),
    ({"label": "Plan", "type": "select", "options": ["Free", "Pro"], "default": "Gold"}, "fields[0].default"),
    ({"label": "Size", "type": "radio", "options": []}, "fields[0].options"),
    ({"label": "Topics", "type": "checkbox", "options": ["A", "B"], "default": "A, C"}, "fields[0].default"),
])
def test_each_type_checks_its_own_settings_when_saved(api, field, path):
    assert_error(api.post("/forms", json={"name": "F", "fields": [field]}), 422, path)


def test_sensible_settings_of_each_type_are_kept(api):
    form = api.create_form(fields=[
        {"key": "age", "label": "Age", "type": "number", "default": "30.5"},
        {"key": "day", "label": "Day", "type": "date", "default": "2026-03-01"},
        {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["A", "B"], "default": "A, B"},
        {"key": "plan", "label": "Plan", "type": "select", "options": ["Free", "Pro"], "default": "Pro"},
    ])
    assert [field["default"] for field in form["fields"]] == ["30.5", "2026-03-01", "A, B", "Pro"]
    assert form["fields"][2]["options"] == ["A", "B"] and "options" not in form["fields"][0]


def test_another_types_setting_is_ignored_when_sensible_and_refused_when_not(api):
    kept = api.create_form(fields=[{"key": "name", "label": "Name", "type": "text", "accept": ["pdf"]}])
    assert "accept" not in kept["fields"][0]
    refused = api.post("/forms", json={"name": "F", "fields": [
        {"key": "name", "label": "Name", "type": "text", "accept": ["spreadsheet-macro"]}]})
    assert_error(refused, 422, "fields[0].accept")


def test_conditions_offer_only_the_operators_of_the_fields_type(api):
    form = api.create_form(fields=[
        {"key": "day", "label": "Day", "type": "date"},
        {"key": "age", "label": "Age", "type": "number"},
    ])
    refused = api.post(f"/forms/{form['id']}/webhooks", json={
        "url": "https://crm.example/hook",
        "conditions": {"rules": [{"field": "day", "op": "gt", "value": "2026-01-01"}]},
    })
    assert "does not apply" in assert_error(refused, 422, "conditions.rules[0].op")["fields"]["conditions.rules[0].op"]
    accepted = api.post(f"/forms/{form['id']}/webhooks", json={
        "url": "https://crm.example/hook", "conditions": {"rules": [{"field": "age", "op": "gt", "value": 17}]},
    })
    assert accepted.status_code == 201, accepted.get_json()


def test_the_openapi_document_takes_the_types_from_the_registry(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["schemas"]["FieldInput"]["properties"]["type"]["enum"] == list(fields.type_names())
    answers = spec["components"]["schemas"]["Submission"]["properties"]["answers"]
    assert {"type": "array", "items": {"type": "string"}} in answers["additionalProperties"]["anyOf"]


COLOUR_PARTIAL = """{% from "public/fields/_parts.html" import single -%}
{% call(attrs) single(f, w) %}{{ w(type="color", **attrs) }}{% endcall %}
"""


class ColourType(FieldType):
    """A test-only type: a #rrggbb colour, stored lower-case, exported with its name when known."""

    name = "colour"
    label = lazy_gettext("Colour")
    operators = ("equals", "not_equals", "empty", "not_empty")
    answer_schema = {"type": "string", "pattern": "^(#[0-9a-f]{6})?$"}
    NAMES = {"#ff0000": "red"}

    def check_settings(self, clean, path):
        if clean["default"] and not re.fullmatch(r"#[0-9A-Fa-f]{6}", clean["default"]):
            return {f"{path}.default": "must be a colour like #3b4fd8"}
        return {}

    def wtf_field(self, field):
        return StringField(field.label, self.chain(field) + [Regexp(r"^#[0-9A-Fa-f]{6}$", message="pick a colour")])

    def clean(self, value):
        return (value or "").lower()

    def csv_value(self, value):
        return f"{value} ({self.NAMES[value]})" if value in self.NAMES else super().csv_value(value)


@pytest.fixture
def colour_type(app):
    """Register ColourType and its partial for one test, then forget both."""
    fields.register(ColourType)
    app.jinja_env.loader = ChoiceLoader([DictLoader({"public/fields/colour.html": COLOUR_PARTIAL}),
                                         app.jinja_env.loader])
    yield
    fields.unregister("colour")


def test_a_new_type_is_one_module_and_one_partial(app, client, api, accounts, colour_type):
    bad = api.post("/forms", json={"name": "F", "fields": [{"label": "Fav", "type": "colour", "default": "red"}]})
    assert assert_error(bad, 422, "fields[0].default")["fields"]["fields[0].default"] == "must be a colour like #3b4fd8"
    form = api.create_form(fields=[
        {"key": "name", "label": "Name", "type": "text"},
        {"key": "fav", "label": "Favourite colour", "type": "colour", "default": "#3B4FD8", "required": True},
    ])
    assert form["fields"][1]["type"] == "colour"

    page = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert '<label for="fav">Favourite colour' in page
    assert re.search(r'<input id="fav"[^>]* name="fav" required type="color" value="#3B4FD8">', page)
    accounts.login(client)
    share = client.get(f"/forms/{form['id']}/share").get_data(as_text=True)
    assert "type=&#34;color&#34; value=&#34;#3B4FD8&#34;" in share

    refused = client.post(f"/f/{form['public_id']}", json={"name": "Ann", "fav": "blue"})
    assert refused.get_json()["error"]["fields"] == {"fav": "pick a colour"}
    assert client.post(f"/f/{form['public_id']}", json={"name": "Ann", "fav": "#FF0000"}).status_code == 201
    with app.app_context():
        assert db.session.scalars(db.select(Submission.answers)).one() == {"name": "Ann", "fav": "#ff0000"}

    export = client.get(f"/forms/{form['id']}/submissions.csv").get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(export.lstrip("\ufeff"))))
    assert row["Favourite colour"] == "#ff0000 (red)"

    webhooks = f"/forms/{form['id']}/webhooks"
    rule = {"url": "https://crm.example/hook",
            "conditions": {"rules": [{"field": "fav", "op": "contains", "value": "#"}]}}
    assert_error(api.post(webhooks, json=rule), 422, "conditions.rules[0].op")
    rule["conditions"]["rules"][0]["op"] = "equals"
    assert api.post(webhooks, json=rule).status_code == 201
