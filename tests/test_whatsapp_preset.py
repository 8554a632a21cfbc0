"""The WhatsApp preset: the lead's own number or a fixed one, an approved template or free text, sent for real."""

import json

import pytest

from app.core.extensions import db
from app.core.i18n import use_locale
from app.integrations import presets
from app.models import Form, Webhook, Workspace
from tests.conftest import drain, make_form

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "phone", "label": "WhatsApp number", "type": "phone", "required": True},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "ramadan"},
]
TOKEN = "EAAJBexampleACCESStoken0123456789"
TEMPLATE = {
    "phone_number_id": "106540352242922", "access_token": TOKEN, "to": "{{ phone | wa }}", "mode": "template",
    "template_name": "lead_welcome", "language_code": "id", "parameters": "name, campaign_name",
}
LEAD = {"name": 'Sari "S" & Co', "phone": "0813-9999-8888"}


@pytest.fixture
def form_id(app, accounts):
    _, workspace_id = accounts.user()
    return make_form(app, workspace_id, FIELDS)


def build(app, form_id, values, base_url=None):
    with app.app_context():
        return presets.build("whatsapp", values, db.session.get(Form, form_id), base_url=base_url)


def send(app, client, form_ids, values, receiver):
    """Create the preset's webhook (host swapped for the receiver), submit the lead, deliver for real."""
    form_id, public_id = form_ids
    settings, errors = build(app, form_id, values, base_url=receiver.url)
    assert errors == {}
    with app.app_context():
        workspace_id = db.session.get(Form, form_id).workspace_id
        db.session.add(Webhook(workspace_id=workspace_id, form_id=form_id, **settings))
        db.session.commit()
    assert client.post(f"/f/{public_id}", json=LEAD).status_code == 201
    drain(app)
    (request,) = receiver.wait_for(1)
    assert (request.method, request.path) == ("POST", "/v21.0/106540352242922/messages")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    return json.loads(request.body)


def test_a_template_message_to_the_leads_own_number(app, client, form_id, receiver):
    body = send(app, client, form_id, TEMPLATE, receiver)
    assert body == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281399998888",
        "type": "template",
        "template": {
            "name": "lead_welcome", "language": {"code": "id"},
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": 'Sari "S" & Co'}, {"type": "text", "text": "ramadan"},
            ]}],
        },
    }


def test_a_template_without_parameters_has_no_components(app, form_id):
    settings, _ = build(app, form_id[0], {**TEMPLATE, "parameters": ""})
    assert "components" not in json.loads(settings["body_template"])["template"]


def test_free_text_to_a_fixed_local_number(app, client, form_id, receiver):
    body = send(app, client, form_id, {**TEMPLATE, "mode": "text", "to": "081234567890"}, receiver)
    assert (body["to"], body["type"]) == ("6281234567890", "text")
    assert body["text"]["body"].startswith('New submission to Leads\nName: Sari "S" & Co\nWhatsApp number: +62813')


@pytest.mark.parametrize(("typed", "to"), [
    ("081234567890", "6281234567890"),
    ("+62 812-3456-7890", "6281234567890"),
    ("+1 650 555 1234", "16505551234"),
    ("{{ phone }}", "{{ phone | wa }}"),
    ("{{phone|e164}}", "{{ phone | wa }}"),
])
def test_the_recipient_is_normalised(app, form_id, typed, to):
    settings, errors = build(app, form_id[0], {**TEMPLATE, "to": typed})
    assert errors == {}
    assert json.loads(settings["body_template"])["to"] == to


def test_a_fixed_number_is_read_in_the_workspace_region(app, form_id):
    with app.app_context():
        db.session.scalars(db.select(Workspace)).one().phone_region = "MY"
        db.session.commit()
    settings, _ = build(app, form_id[0], {**TEMPLATE, "to": "012-345 6789"})
    assert json.loads(settings["body_template"])["to"] == "60123456789"


@pytest.mark.parametrize(("values", "field", "en", "id_"), [
    ({"to": "0812"}, "to", "not a phone number: write it as 0812-345-678 or with + and the country code",
     "bukan nomor telepon: tulis seperti 0812-345-678 atau dengan + dan kode negara"),
    ({"to": "{{ mobile | wa }}"}, "to", "this form has no field mobile", "formulir ini tidak punya kolom mobile"),
    ({"to": "{{ phone }} and {{ name }}"}, "to", "use one field as a template", "pakai satu kolom sebagai template"),
    ({"template_name": "Lead Welcome!"}, "template_name", "lower-case letters, digits and _",
     "huruf kecil, angka dan _"),
    ({"template_name": ""}, "template_name", "is required", "wajib diisi"),
    ({"language_code": "Indonesian"}, "language_code", "a language code such as id, en or en_US",
     "kode bahasa seperti id, en atau en_US"),
    ({"parameters": "name, budget"}, "parameters", "this form has no field budget",
     "formulir ini tidak punya kolom budget"),
    ({"mode": "sms"}, "mode", "choose a template message or free text", "pilih pesan template atau teks bebas"),
])
def test_bad_values_are_refused_next_to_the_field_in_both_languages(app, form_id, values, field, en, id_):
    for language, words in (("en", en), ("id", id_)):
        with app.test_request_context():
            use_locale(language)
            settings, errors = presets.build("whatsapp", {**TEMPLATE, **values}, db.session.get(Form, form_id[0]))
            assert settings is None and set(errors) == {field}
            assert words in str(errors[field]), (language, errors)


def test_free_text_asks_no_template_and_says_the_24_hour_rule(app, client, accounts, form_id):
    settings, errors = build(app, form_id[0], {**TEMPLATE, "mode": "text", "template_name": "", "parameters": "x!"})
    assert errors == {} and json.loads(settings["body_template"])["type"] == "text"
    accounts.login(client)
    page = client.get(f"/forms/{form_id[0]}/webhooks/new?preset=whatsapp").get_data(as_text=True)
    assert 'name="mode" value="template" checked' in page and 'name="mode" value="text"' in page
    assert "WhatsApp delivers free text only within 24 hours of the person's last message to your number" in page
    assert 'data-mode="template"' in page and 'value="{{ phone | wa }}"' in page


def test_the_dashboard_fills_the_editor_and_the_preview_shows_the_graph_api_request(app, client, accounts, form_id):
    accounts.login(client)
    form_id, public_id = form_id
    bad = client.post(f"/forms/{form_id}/webhooks/new/whatsapp", data={**TEMPLATE, "to": "0812"})
    assert bad.status_code == 422 and 'id="preset-to"' in bad.get_data(as_text=True)
    page = client.post(f"/forms/{form_id}/webhooks/new/whatsapp", data=TEMPLATE).get_data(as_text=True)
    assert 'value="https://graph.facebook.com/v21.0/106540352242922/messages"' in page
    assert "&#34;type&#34;: &#34;template&#34;" in page

    assert client.post(f"/f/{public_id}", json=LEAD).status_code == 201
    settings, _ = build(app, form_id, TEMPLATE)
    preview = client.post(f"/forms/{form_id}/webhooks/preview", data={
        "url": settings["url"], "method": "POST", "format": "json", "body_template": settings["body_template"],
        "header_name": "Authorization", "header_value": f"Bearer {TOKEN}", "match": "all", "enabled": "y",
    }).get_json()
    request = preview["request"]
    assert (request["method"], request["url"]) == ("POST", "https://graph.facebook.com/v21.0/106540352242922/messages")
    body = json.loads(request["body"])
    assert body["to"] == "6281399998888" and body["template"]["name"] == "lead_welcome"
    assert body["template"]["components"][0]["parameters"][0]["text"] == 'Sari "S" & Co'


API_FIELDS = [{key: value for key, value in field.items()} for field in FIELDS]


def test_the_api_creates_the_preset_webhook_and_it_reaches_the_lead(api, client, app, receiver):
    form = api.create_form(fields=API_FIELDS)
    response = api.post(f"/forms/{form['id']}/webhooks/presets/whatsapp", json={"values": TEMPLATE})
    assert response.status_code == 201, response.get_json()
    webhook = response.get_json()
    assert webhook["url"] == "https://graph.facebook.com/v21.0/106540352242922/messages"
    assert webhook["name"] == "WhatsApp" and webhook["secret"].startswith("whsec_")
    assert webhook["headers"] == {"Authorization": f"Bearer {TOKEN}"}
    assert json.loads(webhook["body_template"])["to"] == "{{ phone | wa }}"

    # the Graph API is not reachable from here: the same path on a local receiver
    patched = api.patch(f"/webhooks/{webhook['id']}", json={"url": f"{receiver.url}/v21.0/106540352242922/messages"})
    assert patched.status_code == 200
    assert client.post(f"/f/{form['public_id']}", json=LEAD).status_code == 201
    drain(app)
    (request,) = receiver.wait_for(1)
    body = json.loads(request.body)
    assert (body["to"], body["type"], body["template"]["name"]) == ("6281399998888", "template", "lead_welcome")


@pytest.mark.parametrize(("body", "field"), [
    ({"values": {**TEMPLATE, "to": "0812"}}, "values.to"),
    ({"values": {**TEMPLATE, "template_name": ""}}, "values.template_name"),
    ({"values": {**TEMPLATE, "colour": "red"}}, "values.colour"),
    ({"values": {**TEMPLATE, "to": 6281234567890}}, "values.to"),
    ({"values": "to=0812"}, "values"),
    ({"values": TEMPLATE, "url": "https://evil.example"}, "url"),
])
def test_the_api_names_the_bad_preset_value(api, app, body, field):
    form = api.create_form(fields=API_FIELDS)
    response = api.post(f"/forms/{form['id']}/webhooks/presets/whatsapp", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []


def test_the_api_refuses_an_unknown_preset(api):
    form = api.create_form(fields=API_FIELDS)
    assert api.post(f"/forms/{form['id']}/webhooks/presets/myspace", json={"values": {}}).status_code == 404


def test_an_indonesian_dashboard_explains_both_modes_in_indonesian(client, accounts, form_id):
    accounts.login(client)
    client.post("/language", data={"language": "id", "next": "/forms"})
    page = client.get(f"/forms/{form_id[0]}/webhooks/new?preset=whatsapp").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Pesan template yang disetujui" in page and "Teks bebas" in page
    assert ("WhatsApp hanya mengantar teks bebas dalam 24 jam sejak pesan terakhir orang itu ke nomor Anda; "
            "untuk menghubungi lebih dulu, pakai template yang sudah disetujui.") in page
    refused = client.post(f"/forms/{form_id[0]}/webhooks/new/whatsapp", data={**TEMPLATE, "to": "0812"})
    assert refused.status_code == 422
    assert "bukan nomor telepon: tulis seperti 0812-345-678" in refused.get_data(as_text=True)
