"""The template gallery: every template is a complete, valid form; made in one click, scoped, translated."""

import pytest
from flask_babel import force_locale

from app.core.extensions import db
from app.integrations.presets import missing_fields
from app.models import Form
from app.services.form_templates import TEMPLATES, form_from_template, request_language

GALLERY = ("lead_capture", "event_registration", "webinar_signup", "contact_us", "nps_feedback", "job_application")


@pytest.fixture
def owner(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    return workspace_id


def test_the_gallery_holds_the_six_templates():
    assert tuple(TEMPLATES) == GALLERY


@pytest.mark.parametrize("name", GALLERY)
def test_every_template_is_a_complete_form_with_campaign_fields_and_its_preset_s_fields(app, name):
    template = TEMPLATES[name]
    with app.test_request_context():
        form = form_from_template(template, "wsp_x", "en")
    keys = form.field_keys()
    assert len(keys) == len(set(keys))
    assert {"campaign_name", "utm_source", "utm_medium", "utm_campaign"} <= set(template.hidden_keys())
    campaign = next(field for field in form.fields if field.key == "campaign_name")
    assert campaign.type == "hidden" and campaign.default
    assert sum(field.type not in ("hidden", "page_break") for field in form.fields) >= 3
    assert form.name and form.submit_label and form.thank_you_message
    assert any(field.required for field in form.fields)
    # the suggested preset finds every field its templates name, so adding it asks for no new field
    assert missing_fields(template.suggested_preset, form) == []
    assert form.template == name and form.language == "en"


def test_a_template_s_texts_follow_the_dashboard_language(app):
    with app.test_request_context(), force_locale("id"):
        form = form_from_template(TEMPLATES["webinar_signup"], "wsp_x", request_language())
    labels = {field.key: field.label for field in form.fields}
    assert labels["name"] == "Nama lengkap"
    assert labels["question"] == "Pertanyaan Anda untuk pembicara"
    assert form.name == "Pendaftaran webinar" and form.submit_label == "Amankan kursi saya"
    assert form.language == "id"
    # keys are what webhooks use: they never change with the language
    assert [field.key for field in form.fields][:3] == ["name", "email", "company"]


def test_picking_a_template_creates_the_form_in_the_callers_workspace(app, client, owner):
    response = client.post("/forms/new/webinar_signup")
    assert response.status_code == 302
    form_id = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "created from the template with 12 fields" in page
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert form.workspace_id == owner and form.name == "Webinar signup"
        assert [field.key for field in form.fields] == [
            "name", "email", "company", "job_title", "question", "send_recording",
            "campaign_name", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
        ]
        assert next(f for f in form.fields if f.key == "campaign_name").default == "webinar"


def test_an_unknown_template_is_a_404_and_creates_nothing(app, client, owner):
    assert client.post("/forms/new/not_a_template").status_code == 404
    with app.app_context():
        assert db.session.scalars(db.select(Form)).all() == []


def test_the_api_creates_a_form_from_a_template_with_the_settings_given_on_top(app, api):
    response = api.post("/forms", json={"template": "nps_feedback", "language": "id", "name": "NPS Q4"})
    assert response.status_code == 201, response.get_json()
    form = response.get_json()
    assert form["name"] == "NPS Q4" and form["language"] == "id"
    assert form["submit_label"] == "Kirim masukan"
    score = form["fields"][0]
    assert (score["key"], score["type"], score["min"], score["max"]) == ("score", "scale", 0, 10)
    assert {"campaign_name", "utm_source", "utm_medium", "utm_campaign"} <= {
        field["key"] for field in form["fields"] if field["type"] == "hidden"}
    with app.app_context():
        assert db.session.get(Form, form["id"]).template == "nps_feedback"


@pytest.mark.parametrize("template", ["webinar", 7, None])
def test_the_api_refuses_an_unknown_template_naming_it(api, template):
    response = api.post("/forms", json={"template": template})
    assert response.status_code == 422
    assert "webinar_signup" in response.get_json()["error"]["fields"]["template"]
