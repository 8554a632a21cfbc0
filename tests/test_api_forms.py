"""REST API: forms (CONTRACT.md §4)."""

import pytest

from app.core.extensions import db
from app.models import Field, Form
from tests.api_support import assert_error


def test_create_form_answers_the_contract_shape(api):
    form = api.create_form(submit_label="Send", redirect_url="https://shop.example/thanks")
    assert form["id"].startswith("frm_") and form["public_id"]
    assert form["name"] == "Leads" and form["submit_label"] == "Send" and form["enabled"] is True
    assert form["redirect_url"] == "https://shop.example/thanks"
    assert [field["key"] for field in form["fields"]] == ["name", "email", "campaign_name"]
    assert form["fields"][2] == {"key": "campaign_name", "label": "Campaign", "type": "hidden", "required": False,
                                 "default": "spring", "placeholder": None, "visible_if": None}
    public_url = form["public_url"]
    assert public_url == f"http://localhost/f/{form['public_id']}"
    assert form["embed"]["script"] == f'<script src="{public_url}/embed.js" async></script>'
    assert form["embed"]["iframe"].startswith(f'<iframe src="{public_url}?embed=1"')
    assert form["created_at"]


def test_created_form_is_served_publicly(api, client):
    form = api.create_form()
    page = client.get(f"/f/{form['public_id']}")
    assert page.status_code == 200 and "<label for=\"email\">Email" in page.get_data(as_text=True)


def test_field_key_is_made_from_label_and_options_kept(api):
    form = api.create_form(fields=[{"label": "Your e-mail", "type": "email"},
                                   {"label": "Plan", "type": "select", "options": ["Basic", "Pro"]}])
    assert form["fields"][0]["key"] == "your_e_mail"
    assert form["fields"][1]["options"] == ["Basic", "Pro"]


@pytest.mark.parametrize(("body", "field"), [
    ({"fields": []}, "name"),
    ({"name": "x"}, "fields"),
    ({"name": "   ", "fields": []}, "name"),
    ({"name": "x" * 201, "fields": []}, "name"),
    ({"name": "x", "fields": [{"label": "A", "key": "a"}, {"label": "B", "key": "9bad"}]}, "fields[1].key"),
    ({"name": "x", "fields": [{"label": "A", "key": "a"}, {"label": "B", "key": "a"}]}, "fields[1].key"),
    ({"name": "x", "fields": [{"label": "A", "type": "colour"}]}, "fields[0].type"),
    ({"name": "x", "fields": [{"label": "A", "key": ["a"]}]}, "fields[0].key"),
    ({"name": "x", "fields": [{"label": "A", "type": ["text"]}]}, "fields[0].type"),
    ({"name": "x", "fields": [{"label": "A", "type": "select"}]}, "fields[0].options"),
    ({"name": "x", "fields": [{"label": "A", "options": "a,b"}]}, "fields[0].options"),
    ({"name": "x", "fields": [{"key": "a"}]}, "fields[0].label"),
    ({"name": "x", "fields": [{"label": "A", "colour": "red"}]}, "fields[0].colour"),
    ({"name": "x", "fields": "name"}, "fields"),
    ({"name": "x", "fields": [], "redirect_url": "javascript:alert(1)"}, "redirect_url"),
    ({"name": "x", "fields": [], "enabled": "yes"}, "enabled"),
    ({"name": "x", "fields": [], "colour": "red"}, "colour"),
    ({"name": "bad\u0000name", "fields": []}, "name"),
])
def test_create_form_refuses_invalid_input_field_by_field(app, api, body, field):
    assert_error(api.post("/forms", json=body), 422, field)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Form.id))) == 0


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1,", b'{"name": NaN, "fields": []}'])
def test_malformed_json_is_400(api, raw):
    assert_error(api.post("/forms", data=raw, headers={"Content-Type": "application/json"}), 400)


def test_body_that_is_not_an_object_is_422(api):
    assert_error(api.post("/forms", json=["name"]), 422, "body")


def test_body_over_the_limit_is_413(api):
    huge = b'{"name": "' + b"x" * 1_100_000 + b'"}'
    assert_error(api.post("/forms", data=huge, headers={"Content-Type": "application/json"}), 413)


def test_list_get_patch_delete(app, api):
    first = api.create_form(name="First")
    second = api.create_form(name="Second")
    listed = api.get("/forms").get_json()["data"]
    assert [form["id"] for form in listed] == [second["id"], first["id"]]

    assert api.get(f"/forms/{first['id']}").get_json() == first

    patched = api.patch(f"/forms/{first['id']}", json={"enabled": False, "redirect_url": None})
    assert patched.status_code == 200
    assert patched.get_json()["enabled"] is False and patched.get_json()["name"] == "First"
    assert [field["key"] for field in patched.get_json()["fields"]] == ["name", "email", "campaign_name"]

    email_only = [{"key": "email", "label": "E-mail", "type": "email"}]
    replaced = api.patch(f"/forms/{first['id']}", json={"fields": email_only})
    assert [(f["key"], f["label"]) for f in replaced.get_json()["fields"]] == [("email", "E-mail")]

    assert api.delete(f"/forms/{first['id']}").status_code == 204
    assert_error(api.get(f"/forms/{first['id']}"), 404)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Field.id)).where(Field.form_id == first["id"])) == 0


def test_patch_refuses_invalid_values_and_changes_nothing(api):
    form = api.create_form()
    assert_error(api.patch(f"/forms/{form['id']}", json={"name": "", "enabled": False}), 422, "name")
    assert api.get(f"/forms/{form['id']}").get_json()["enabled"] is True


def test_another_workspaces_form_is_404(api, stranger_api):
    form = stranger_api.create_form()
    for response in (
        api.get(f"/forms/{form['id']}"),
        api.patch(f"/forms/{form['id']}", json={"name": "mine"}),
        api.delete(f"/forms/{form['id']}"),
        api.get(f"/forms/{form['id']}/submissions"),
        api.get(f"/forms/{form['id']}/webhooks"),
        api.post(f"/forms/{form['id']}/webhooks", json={"url": "https://crm.example/hook"}),
    ):
        assert_error(response, 404)
    assert api.get("/forms").get_json() == {"data": []}
    assert stranger_api.get(f"/forms/{form['id']}").get_json()["name"] == "Leads"


def test_unknown_id_is_404(api):
    assert_error(api.get("/forms/frm_00000000000000000000000000"), 404)
    assert_error(api.get("/forms/not-an-id"), 404)
