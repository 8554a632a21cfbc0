"""The dashboard's form, field and Settings → Webhook URL pages."""

import re

from app.core.extensions import db
from app.fields import BUILT_IN as FIELD_TYPES
from app.models import Form, Webhook

SEED_URL = (
    "http://127.0.0.1:9/webhook?campaign_name={{ campaign_name }}"
    "&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}"
)


def _create_form(client, name="Leads"):
    response = client.post("/forms/new", data={"name": name, "submit_label": "Send it", "enabled": "y"})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_build_a_form_with_every_field_type(app, client, accounts):
    accounts.user()
    accounts.login(client)
    form_id = _create_form(client)
    for kind in FIELD_TYPES:
        data = {"label": f"My {kind}", "type": kind}
        if kind in ("select", "radio", "checkbox"):
            data["options"] = "One\nTwo"
        if kind == "hidden":
            data.update(label="Campaign", key="campaign_name", default="spring")
        response = client.post(f"/forms/{form_id}/fields", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert [f.type for f in form.fields] == list(FIELD_TYPES)
        assert form.fields[0].key == "my_text"
        assert form.fields[4].options == ["One", "Two"]
        public_id = form.public_id
    page = client.get(f"/f/{public_id}").get_data(as_text=True)
    grouped = ("radio", "checkbox", "rating", "scale")
    for kind in FIELD_TYPES:
        if kind not in ("hidden", "statement", "page_break", *grouped):
            assert re.search(rf"<label for=\"my_{kind}\">My {kind}", page), kind
    for kind in grouped:
        assert f"<legend>My {kind}" in page, kind
    assert "<p>My statement</p>" in page and ">My page_break</h2>" in page
    assert 'name="campaign_name" type="hidden" value="spring"' in page
    assert ">Send it</button>" in page


def test_field_keys_stay_unique_and_fields_reorder(app, client, accounts):
    accounts.user()
    accounts.login(client)
    form_id = _create_form(client)
    client.post(f"/forms/{form_id}/fields", data={"label": "Email", "type": "email"})
    clash = client.post(f"/forms/{form_id}/fields", data={"label": "Other", "key": "email", "type": "text"})
    assert clash.status_code == 422 and "used by another field" in clash.get_data(as_text=True)
    client.post(f"/forms/{form_id}/fields", data={"label": "Email", "type": "text"})
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert form.field_keys() == ["email", "email_2"]
        second = form.fields[1].id
    assert client.post(f"/forms/{form_id}/fields/{second}/up").status_code == 302
    with app.app_context():
        assert db.session.get(Form, form_id).field_keys() == ["email_2", "email"]


def test_settings_webhook_url_saves_template_and_shows_secret(app, client, accounts):
    accounts.user()
    accounts.login(client)
    form_id = _create_form(client)
    for key in ("campaign_name", "campaign_type", "lead_status"):
        client.post(f"/forms/{form_id}/fields", data={"label": key, "key": key, "type": "hidden"})
    response = client.post(f"/forms/{form_id}/settings/webhook", data={"url": SEED_URL, "enabled": "y"})
    assert response.status_code == 302
    page = client.get(f"/forms/{form_id}/settings/webhook").get_data(as_text=True)
    with app.app_context():
        webhook = db.session.scalars(db.select(Webhook)).one()
        assert webhook.url == SEED_URL and webhook.secret.startswith("whsec_")
    assert webhook.secret not in page  # masked until revealed
    revealed = client.post(f"/forms/{form_id}/webhooks/{webhook.id}/secret").get_json()
    assert revealed["secret"] == webhook.secret


def test_webhook_url_to_private_network_or_bad_template_is_refused(app, client, accounts):
    app.config["WEBHOOK_ALLOWED_NETWORKS"] = []
    accounts.user()
    accounts.login(client)
    form_id = _create_form(client)
    private = client.post(f"/forms/{form_id}/settings/webhook", data={"url": "http://10.0.0.7/hook", "enabled": "y"})
    assert private.status_code == 422 and "10.0.0.7 is a private address" in private.get_data(as_text=True)
    hostile = "https://93.184.215.14/?x={{ ''.__class__ }}"
    unsafe = client.post(f"/forms/{form_id}/settings/webhook", data={"url": hostile})
    assert unsafe.status_code == 422 and "private attributes" in unsafe.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []
