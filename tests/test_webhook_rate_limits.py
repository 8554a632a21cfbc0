"""A webhook's rate limit: set through the API and the editor, and kept by the workers at the endpoint."""

import time

import pytest

from app.core.extensions import db
from app.delivery.endpoint_slots import EndpointSlots
from app.models import Attempt, Webhook
from tests.conftest import make_form
from tests.delivery_support import all_deliveries, form_with_webhook, submit
from tests.test_endpoint_slots import run_runners
from tests.test_webhook_settings import editor_data

ONE_SECOND = 1.0


def most_in_one_second(times):
    """The largest number of these moments that fall in any one second (a window sliding over them)."""
    times = sorted(times)
    return max(sum(1 for other in times[index:] if other < start + ONE_SECOND) for index, start in enumerate(times))


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[], PUBLIC_RATE_LIMIT="1000/minute")
def test_deliveries_above_the_rate_wait_and_are_all_sent_once(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/limited", rate_limit=5)
    for _ in range(11):
        submit(client, public_id)
    run_runners(app, 2)
    received = receiver.wait_for(11)
    assert most_in_one_second([request.arrived_at for request in received]) <= 5
    deliveries = all_deliveries(app)
    assert [delivery["status"] for delivery in deliveries] == ["succeeded"] * 11
    assert [delivery["attempt_count"] for delivery in deliveries] == [1] * 11  # waiting is not an attempt
    with app.app_context():
        assert db.session.query(Attempt).count() == 11


def test_an_admit_above_the_rate_is_refused_and_an_unsent_one_gives_its_start_back(app):
    slots = EndpointSlots(app.redis, cap=10, lease_seconds=5)
    assert slots.admit([("wh_a", 3, f"job-{number}") for number in range(5)]) == [True, True, True, False, False]
    assert slots.admit([("wh_b", None, "job-9")]) == [True]  # another webhook has its own rate
    slots.release([("wh_a", "job-0")], sent=False)  # admitted but never sent: it does not count
    assert slots.admit([("wh_a", 3, "job-3")]) == [True]
    slots.release([("wh_a", "job-1")])  # sent: its start still counts for the rest of the window
    assert slots.admit([("wh_a", 3, "job-4")]) == [False]
    time.sleep(1.2)
    assert slots.admit([("wh_a", 3, "job-4")]) == [True]


def test_the_rate_window_runs_from_the_send_not_from_the_admit(app):
    slots = EndpointSlots(app.redis, cap=10, lease_seconds=5)
    assert slots.admit([("wh_a", 1, "job-1")]) == [True]
    time.sleep(0.6)  # claiming and signing took long
    slots.sending([("wh_a", "job-1")])
    time.sleep(0.6)  # past a window from the admit, not from the send
    assert slots.admit([("wh_a", 1, "job-2")]) == [False]
    time.sleep(0.6)
    assert slots.admit([("wh_a", 1, "job-2")]) == [True]


def test_the_api_sets_reads_and_clears_the_rate_limit(api, app, accounts):
    form_id, _ = make_form(app, api.workspace_id)
    created = api.post(f"/forms/{form_id}/webhooks", json={"url": "https://crm.example/hook", "rate_limit": 5})
    assert created.status_code == 201, created.get_json()
    webhook = created.get_json()
    assert webhook["rate_limit"] == 5
    assert api.get(f"/webhooks/{webhook['id']}").get_json()["rate_limit"] == 5
    cleared = api.patch(f"/webhooks/{webhook['id']}", json={"rate_limit": None})
    assert cleared.status_code == 200 and cleared.get_json()["rate_limit"] is None
    plain = api.post(f"/forms/{form_id}/webhooks", json={"url": "https://crm.example/other"}).get_json()
    assert plain["rate_limit"] is None  # unlimited unless set


@pytest.mark.parametrize("bad", [0, -3, 1001, 2.5, "5", True, [5]])
def test_a_rate_limit_that_is_not_a_sane_whole_number_is_a_422_naming_it(api, app, bad):
    form_id, _ = make_form(app, api.workspace_id)
    webhook = api.post(f"/forms/{form_id}/webhooks", json={"url": "https://crm.example/hook", "rate_limit": 5})
    refused = api.patch(f"/webhooks/{webhook.get_json()['id']}", json={"rate_limit": bad, "name": "Renamed"})
    assert refused.status_code == 422
    assert "from 1 to 1000" in refused.get_json()["error"]["fields"]["rate_limit"]
    kept = api.get(f"/webhooks/{webhook.get_json()['id']}").get_json()
    assert (kept["rate_limit"], kept["name"]) == (5, "crm.example")  # nothing half stored


def test_the_editor_saves_the_rate_limit_and_names_a_bad_one(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id)
    saved = client.post(f"/forms/{form_id}/webhooks/new", data=editor_data("https://crm.example/hook", rate_limit="5"))
    assert saved.status_code == 302
    with app.app_context():
        webhook = db.session.scalars(db.select(Webhook)).one()
        assert webhook.rate_limit == 5
        webhook_id = webhook.id
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert 'name="rate_limit"' in page and 'value="5"' in page
    refused = client.post(f"/forms/{form_id}/webhooks/{webhook_id}",
                          data=editor_data("https://crm.example/hook", rate_limit="5000"),
                          headers={"Accept-Language": "id"})
    assert refused.status_code == 422
    assert "harus berupa bilangan bulat permintaan per detik dari 1 sampai 1000" in refused.get_data(as_text=True)
    cleared = client.post(f"/forms/{form_id}/webhooks/{webhook_id}",
                          data=editor_data("https://crm.example/hook", rate_limit=""))
    assert cleared.status_code == 302
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).rate_limit is None
