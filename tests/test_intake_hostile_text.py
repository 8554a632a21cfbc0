"""Intake refuses what no page, export or delivery can carry (issue 12 #4, #6, #10 and the NUL of #12).

Each test sends the attack from the security report and proves nothing unstorable is kept:
a lone surrogate or NUL in any encoding, non-finite or absurd numbers, JSON nested thousands deep.
"""

import json

import pytest

from app.core.extensions import db
from app.models import Form, Submission
from tests.api_support import assert_error
from tests.conftest import drain, make_form, make_webhook

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "age", "label": "Age", "type": "number"},
    {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["x", "y"]},
    {"key": "campaign", "label": "Campaign", "type": "hidden", "default": "spring"},
]


@pytest.fixture
def form(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    return {"id": form_id, "public_id": public_id}


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Submission)).all()


def post_raw(client, public_id, body, content_type, query=""):
    return client.post(f"/f/{public_id}{query}", data=body,
                       headers={"Content-Type": content_type, "Accept": "application/json"})


def assert_pages_still_work(client, form):
    """The submissions list, each submission page and the CSV all answer whole."""
    listing = client.get(f"/forms/{form['id']}/submissions")
    assert listing.status_code == 200
    export = client.get(f"/forms/{form['id']}/submissions.csv")
    rows = export.get_data(as_text=True).count("\n") - 1
    assert export.status_code == 200 and rows == len(stored(client.application))


@pytest.mark.parametrize(("body", "content_type", "query", "field"), [
    (b'{"name": "\\ud800"}', "application/json", "", "name"),  # the report's attack
    (b'{"name": "Ann", "topics": ["x", "\\udfff"]}', "application/json", "", "topics"),
    (b'{"answers": {"name": "a\\u0000b"}}', "application/json", "", "name"),
    (b"name=a%00b", "application/x-www-form-urlencoded", "", "name"),
    (b'--B\r\nContent-Disposition: form-data; name="name"\r\n\r\nnul\x00here\r\n--B--\r\n',
     "multipart/form-data; boundary=B", "", "name"),
    (b"name=Ann", "application/x-www-form-urlencoded", "?campaign=a%00b", "campaign"),
])
def test_a_lone_surrogate_or_nul_is_refused_naming_the_field(app, client, form, body, content_type, query, field):
    response = post_raw(client, form["public_id"], body, content_type, query)
    error = assert_error(response, 422, field)
    assert "NUL" in error["fields"][field] or "surrogate" in error["fields"][field]
    assert stored(app) == []
    assert_pages_still_work(client, form)


def test_a_browser_post_with_a_nul_gets_the_form_back_with_the_message(client, form):
    response = client.post(f"/f/{form['public_id']}", data={"name": "a\x00b"})
    assert response.status_code == 422
    assert "may not contain NUL characters" in response.get_data(as_text=True)


def test_meta_with_a_lone_surrogate_is_mended_and_every_page_and_delivery_still_works(app, client, form, receiver):
    make_webhook(app, form["id"], f"{receiver.url}/hook?name={{{{ name }}}}")
    body = b'{"name": "Ann", "_referrer": "https://ref.example/\\ud800", "utm_source": "nl\\u0000x"}'
    assert post_raw(client, form["public_id"], body, "application/json").status_code == 201
    (submission,) = stored(app)
    assert submission.meta["referrer"] == "https://ref.example/\ufffd" and submission.meta["utm_source"] == "nlx"
    assert_pages_still_work(client, form)
    assert client.get(f"/forms/{form['id']}/submissions/{submission.id}").status_code == 200
    drain(app)
    (request,) = receiver.wait_for(1)
    assert request.query == {"name": ["Ann"]}


@pytest.mark.parametrize("age", [
    "1e999", "-1e999", "1" * 5000, "NaN", "Infinity", "-inf", "1e15", "0." + "0" * 20 + "1", 1e300 * 10,
])
def test_non_finite_and_absurd_numbers_are_refused_naming_the_field(app, client, form, age):
    response = client.post(f"/f/{form['public_id']}", json={"name": "Ann", "age": age})
    assert_error(response, 422, "age")
    assert stored(app) == []


@pytest.mark.parametrize("literal", ["1e999", "1" * 5000, "-" + "9" * 400])
def test_a_json_number_literal_out_of_range_is_refused_naming_the_field(app, client, form, literal):
    body = ('{"name": "Ann", "age": ' + literal + "}").encode()
    assert_error(post_raw(client, form["public_id"], body, "application/json"), 422, "age")
    assert stored(app) == []


def test_sensible_numbers_are_stored_and_the_api_lists_valid_json(client, api):
    form = api.create_form(fields=FIELDS)
    for age in ("42", "-3.25", "999999999999999", "0.000000000000001"):
        assert client.post(f"/f/{form['public_id']}", json={"name": "Ann", "age": age}).status_code == 201
    listing = api.get(f"/forms/{form['id']}/submissions").get_data(as_text=True)
    ages = [item["answers"]["age"] for item in json.loads(listing, parse_constant=pytest.fail)["data"]]
    assert sorted(ages) == [-3.25, 1e-15, 42, 999999999999999]


@pytest.mark.parametrize("depth", [40, 5000, 100_000])
def test_json_nested_deeply_is_a_clear_400_on_the_public_endpoint(app, client, form, depth):
    body = ('{"name": ' + "[" * depth + "]" * depth + "}").encode()
    error = assert_error(post_raw(client, form["public_id"], body, "application/json"), 400)
    assert "nested too deeply" in error["message"]
    assert stored(app) == []


@pytest.mark.parametrize("depth", [40, 5000])
def test_json_nested_deeply_is_a_clear_400_on_the_api(api, depth):
    body = ('{"name": "F", "fields": ' + "[" * depth + "]" * depth + "}").encode()
    for headers in ({}, {"Idempotency-Key": f"deep-{depth}"}):
        response = api.post("/forms", data=body, headers={"Content-Type": "application/json", **headers})
        assert "nested too deeply" in assert_error(response, 400)["message"]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/forms", '{"name": "\\ud800", "fields": []}', "name"),
    ("/forms", '{"name": "F", "fields": [{"label": "a\\u0000b"}]}', "fields[0].label"),
])
def test_the_api_refuses_surrogates_and_nuls_in_form_settings(api, path, body, field):
    response = api.post(path, data=body.encode(), headers={"Content-Type": "application/json"})
    assert_error(response, 422, field)


def test_the_api_refuses_surrogates_in_webhook_settings(api):
    form = api.create_form()
    body = b'{"url": "https://crm.example/", "headers": {"X-Name": "\\udc00{{ name }}"}}'
    response = api.post(f"/forms/{form['id']}/webhooks", data=body, headers={"Content-Type": "application/json"})
    assert_error(response, 422, "headers.X-Name")


def test_the_builder_refuses_a_nul_in_a_fields_label_or_options(app, client, form):
    for data in ({"label": "Na\x00me", "type": "text"}, {"label": "Plan", "type": "select", "options": "a\nb\x00"}):
        response = client.post(f"/forms/{form['id']}/fields", data=data)
        assert response.status_code == 422 and "may not contain NUL characters" in response.get_data(as_text=True)
    with app.app_context():
        assert [field.key for field in db.session.get(Form, form["id"]).fields] == [f["key"] for f in FIELDS]
