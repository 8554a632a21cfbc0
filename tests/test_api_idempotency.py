"""Idempotency-Key on POST: one effect per key and body within 24 hours."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from app.core.extensions import db
from app.models import Delivery, Form, IdempotencyKey, Webhook
from tests.api_support import ApiClient, api_client, assert_error

BODY = {"name": "Leads", "fields": [{"key": "email", "label": "Email", "type": "email"}]}


def _count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(model.id)))


def test_same_key_and_body_answers_the_first_response_and_creates_nothing(app, api):
    first = api.post("/forms", json=BODY, headers={"Idempotency-Key": "create-leads-1"})
    again = api.post("/forms", json=BODY, headers={"Idempotency-Key": "create-leads-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(app, Form) == 1


def test_json_is_compared_by_value_not_by_spacing(app, api):
    api.post("/forms", json=BODY, headers={"Idempotency-Key": "k"})
    reordered = '{"fields": [{"type": "email", "label": "Email", "key": "email"}],   "name": "Leads"}'
    again = api.post("/forms", data=reordered, headers={"Idempotency-Key": "k", "Content-Type": "application/json"})
    assert again.status_code == 201 and _count(app, Form) == 1


def test_same_key_with_another_body_or_path_is_409(app, api):
    form = api.post("/forms", json=BODY, headers={"Idempotency-Key": "k"}).get_json()
    assert_error(api.post("/forms", json={**BODY, "name": "Other"}, headers={"Idempotency-Key": "k"}), 409)
    other_path = api.post(f"/forms/{form['id']}/webhooks", json={"url": "https://crm.example/"},
                          headers={"Idempotency-Key": "k"})
    assert_error(other_path, 409)
    assert _count(app, Form) == 1 and _count(app, Webhook) == 0


def test_without_a_key_every_post_creates(app, api):
    api.post("/forms", json=BODY)
    api.post("/forms", json=BODY)
    assert _count(app, Form) == 2


def test_keys_belong_to_one_workspace(app, api, accounts):
    other = api_client(app, accounts, "other@example.com")
    mine = api.post("/forms", json=BODY, headers={"Idempotency-Key": "shared"}).get_json()
    theirs = other.post("/forms", json=BODY, headers={"Idempotency-Key": "shared"}).get_json()
    assert mine["id"] != theirs["id"] and _count(app, Form) == 2
    assert other.get(f"/forms/{mine['id']}").status_code == 404


def test_a_failed_request_is_not_remembered(app, api):
    refused = api.post("/forms", json={"name": "Leads"}, headers={"Idempotency-Key": "k"})
    assert_error(refused, 422, "fields")
    assert_error(api.post("/forms", json={"name": "Leads"}, headers={"Idempotency-Key": "k"}), 422, "fields")
    assert _count(app, IdempotencyKey) == 0
    assert api.post("/forms", json=BODY, headers={"Idempotency-Key": "k"}).status_code == 201


def test_a_key_expires_after_24_hours(app, api):
    api.post("/forms", json=BODY, headers={"Idempotency-Key": "k"})
    with app.app_context():
        record = db.session.scalars(db.select(IdempotencyKey)).one()
        record.created_at = record.created_at - timedelta(hours=24, seconds=1)
        db.session.commit()
    assert api.post("/forms", json=BODY, headers={"Idempotency-Key": "k"}).status_code == 201
    assert _count(app, Form) == 2 and _count(app, IdempotencyKey) == 1


def test_a_request_still_running_is_409(app, api):
    with app.app_context():
        db.session.add(IdempotencyKey(workspace_id=api.workspace_id, key="k", request_hash="running"))
        db.session.commit()
    assert_error(api.post("/forms", json=BODY, headers={"Idempotency-Key": "k"}), 409)


def test_test_events_are_sent_once_per_key(app, api):
    form = api.post("/forms", json=BODY).get_json()
    webhook = api.post(f"/forms/{form['id']}/webhooks", json={"url": "https://crm.example/"}).get_json()
    first = api.post(f"/webhooks/{webhook['id']}/test", headers={"Idempotency-Key": "t"})
    again = api.post(f"/webhooks/{webhook['id']}/test", headers={"Idempotency-Key": "t"})
    assert first.status_code == again.status_code == 202 and first.get_json() == again.get_json()
    assert _count(app, Delivery) == 1


@pytest.mark.parametrize("key", ["", "with space", "x" * 256, "ключ"])
def test_malformed_key_is_400(api, key):
    response = api.post("/forms", json=BODY, headers={"Idempotency-Key": key.encode().decode("latin-1")})
    assert_error(response, 400, "Idempotency-Key")


def test_concurrent_retries_create_one_form(app, api):
    def post(_):
        client = ApiClient(app.test_client(), api.key, api.workspace_id)
        response = client.post("/forms", json=BODY, headers={"Idempotency-Key": "burst"})
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(post, range(6)))
    assert {status for status, _ in answers} <= {201, 409}
    created = [body for status, body in answers if status == 201]
    assert created and all(body == created[0] for body in created)
    assert _count(app, Form) == 1
