"""REST API: webhooks, test events, secret rotation (CONTRACT.md §4)."""

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from app.core.extensions import db
from app.models import Delivery, Webhook
from tests.api_support import assert_error
from tests.conftest import drain

SEED_URL = ("https://crm.example/webhook?campaign_name={{ campaign_name }}"
            "&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}")


@pytest.fixture
def form(api):
    return api.create_form()


def test_create_webhook_with_defaults_and_secret(api, form):
    webhook = api.create_webhook(form["id"], "https://crm.example/hook?campaign={{ campaign_name }}")
    assert webhook["id"].startswith("wh_") and webhook["form_id"] == form["id"]
    assert webhook["secret"].startswith("whsec_")
    assert (webhook["method"], webhook["format"], webhook["events"]) == ("POST", "json", ["submission.created"])
    assert webhook["headers"] == {} and webhook["body_template"] is None and webhook["conditions"] is None
    assert webhook["enabled"] is True and webhook["disabled_reason"] is None
    assert "warnings" not in webhook


def test_seed_url_saves_and_warns_about_unknown_names(api, form):
    webhook = api.create_webhook(form["id"], SEED_URL)
    assert webhook["url"] == SEED_URL
    assert webhook["warnings"] == ["unknown name 'campaign_type' renders as empty",
                                   "unknown name 'lead_status' renders as empty"]


def test_create_webhook_with_every_setting(api, form):
    webhook = api.create_webhook(
        form["id"], "https://crm.example/leads", method="PUT", format="xml",
        headers={"X-Campaign": "{{ campaign_name }}"}, body_template="<lead>{{ email }}</lead>",
        events=["submission.created"], enabled=False,
        conditions={"match": "any", "rules": [{"field": "email", "op": "contains", "value": "@"}]},
    )
    assert webhook["method"] == "PUT" and webhook["format"] == "xml" and webhook["enabled"] is False
    assert webhook["headers"] == {"X-Campaign": "{{ campaign_name }}"}
    assert webhook["conditions"]["rules"][0]["op"] == "contains"


@pytest.mark.parametrize(("body", "field"), [
    ({}, "url"),
    ({"url": "ftp://crm.example/"}, "url"),
    ({"url": "http://["}, "url"),
    ({"url": "http://10.0.0.1/hook"}, "url"),
    ({"url": "http://169.254.169.254/latest/meta-data"}, "url"),
    ({"url": "https://crm.example/{{ x.__class__ }}"}, "url"),
    ({"url": "https://crm.example/{{ broken"}, "url"),
    ({"url": "https://crm.example/", "method": "post"}, "method"),
    ({"url": "https://crm.example/", "method": "DELETE"}, "method"),
    ({"url": "https://crm.example/", "format": "yaml"}, "format"),
    ({"url": "https://crm.example/", "headers": {"Host": "evil"}}, "headers.Host"),
    ({"url": "https://crm.example/", "headers": {"X-A": 1}}, "headers.X-A"),
    ({"url": "https://crm.example/", "headers": []}, "headers"),
    ({"url": "https://crm.example/", "events": ["form.deleted"]}, "events"),
    ({"url": "https://crm.example/", "events": "submission.created"}, "events"),
    ({"url": "https://crm.example/", "body_template": "{% for %}"}, "body_template"),
    ({"url": "https://crm.example/", "conditions": {"match": "some", "rules": []}}, "conditions.match"),
    ({"url": "https://crm.example/", "conditions": {"rules": [{"field": "nope", "op": "empty"}]}},
     "conditions.rules[0].field"),
    ({"url": "https://crm.example/", "enabled": "yes"}, "enabled"),
    ({"url": "https://crm.example/", "colour": "red"}, "colour"),
])
def test_create_webhook_refuses_invalid_settings(app, api, form, body, field):
    assert_error(api.post(f"/forms/{form['id']}/webhooks", json=body), 422, field)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Webhook.id))) == 0


def test_list_get_patch_delete(api, form):
    first = api.create_webhook(form["id"], "https://crm.example/one")
    second = api.create_webhook(form["id"], "https://crm.example/two")
    listed = api.get(f"/forms/{form['id']}/webhooks").get_json()["data"]
    assert [webhook["id"] for webhook in listed] == [first["id"], second["id"]]
    assert api.get(f"/webhooks/{first['id']}").get_json() == first

    patched = api.patch(f"/webhooks/{first['id']}", json={"format": "form", "url": "https://crm.example/{{ bogus }}"})
    assert patched.status_code == 200
    assert patched.get_json()["format"] == "form" and patched.get_json()["method"] == "POST"
    assert patched.get_json()["warnings"] == ["unknown name 'bogus' renders as empty"]
    assert_error(api.patch(f"/webhooks/{first['id']}", json={"method": "TRACE"}), 422, "method")
    assert api.get(f"/webhooks/{first['id']}").get_json()["format"] == "form"

    assert api.delete(f"/webhooks/{first['id']}").status_code == 204
    assert_error(api.get(f"/webhooks/{first['id']}"), 404)
    assert [w["id"] for w in api.get(f"/forms/{form['id']}/webhooks").get_json()["data"]] == [second["id"]]


def test_enabling_clears_the_disabled_reason(app, api, form):
    webhook = api.create_webhook(form["id"], "https://crm.example/one")
    with app.app_context():
        row = db.session.get(Webhook, webhook["id"])
        row.enabled, row.disabled_reason = False, "the endpoint answered 410 Gone"
        db.session.commit()
    assert api.get(f"/webhooks/{webhook['id']}").get_json()["disabled_reason"] == "the endpoint answered 410 Gone"
    enabled = api.patch(f"/webhooks/{webhook['id']}", json={"enabled": True}).get_json()
    assert enabled["enabled"] is True and enabled["disabled_reason"] is None


def test_test_event_is_sent_signed_now(app, api, form, receiver):
    webhook = api.create_webhook(form["id"], f"{receiver.url}/hook")
    response = api.post(f"/webhooks/{webhook['id']}/test")
    assert response.status_code == 202
    delivery_id = response.get_json()["delivery_id"]
    drain(app)
    (request,) = receiver.wait_for(1)
    payload = Verifier(webhook["secret"]).verify(request.text, request.headers)
    assert payload["type"] == "webhook.test" and request.headers["webhook-id"] == delivery_id
    assert set(payload["data"]["submission"]["answers"]) == {"name", "email", "campaign_name"}
    delivery = api.get(f"/deliveries/{delivery_id}").get_json()
    assert delivery["event"] == "webhook.test" and delivery["status"] == "succeeded"


def test_rotate_secret_keeps_the_old_one_signing_for_a_day(app, api, form, receiver):
    webhook = api.create_webhook(form["id"], f"{receiver.url}/hook")
    rotated = api.post(f"/webhooks/{webhook['id']}/rotate-secret")
    assert rotated.status_code == 200
    new_secret = rotated.get_json()["secret"]
    assert new_secret.startswith("whsec_") and new_secret != webhook["secret"]
    assert api.get(f"/webhooks/{webhook['id']}").get_json()["secret"] == new_secret

    api.post(f"/webhooks/{webhook['id']}/test")
    drain(app)
    (request,) = receiver.wait_for(1)
    assert len(request.headers["webhook-signature"].split()) == 2
    for secret in (new_secret, webhook["secret"]):
        assert Verifier(secret).verify(request.text, request.headers)["type"] == "webhook.test"


def test_another_workspaces_webhook_is_404(app, api, stranger_api):
    theirs = stranger_api.create_form()
    webhook = stranger_api.create_webhook(theirs["id"], "https://crm.example/theirs")
    for response in (
        api.get(f"/webhooks/{webhook['id']}"),
        api.patch(f"/webhooks/{webhook['id']}", json={"url": "https://evil.example/"}),
        api.delete(f"/webhooks/{webhook['id']}"),
        api.post(f"/webhooks/{webhook['id']}/test"),
        api.post(f"/webhooks/{webhook['id']}/rotate-secret"),
        api.get(f"/webhooks/{webhook['id']}/deliveries"),
    ):
        assert_error(response, 404)
    assert stranger_api.get(f"/webhooks/{webhook['id']}").get_json() == webhook
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Delivery.id))) == 0
