"""Endpoint slots shared by every worker: the cap holds across runners, and a dead worker's slots come back."""

import os
import signal
import threading
import time

import pytest

from app.delivery.endpoint_slots import EndpointSlots
from app.delivery.runner import DeliveryRunner
from tests.delivery_support import all_deliveries, form_with_webhook, submit
from tests.receiver import Reply
from tests.test_delivery_nothing_lost import start_worker


def run_runners(app, count):
    """count DeliveryRunners of their own names, in burst mode side by side, until each is done."""
    runners = [DeliveryRunner(app, f"test-runner-{number}") for number in range(count)]
    threads = [threading.Thread(target=runner.run, kwargs={"burst": True}) for runner in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "a runner did not finish"


@pytest.mark.app_config(WORKER_ENDPOINT_CONCURRENCY=2, WEBHOOK_RETRY_SCHEDULE=[])
def test_two_runners_never_have_more_than_the_cap_in_flight_to_one_endpoint(app, client, accounts, receiver):
    receiver.default = Reply(delay=0.5)  # slow: each runner alone would keep all six in flight
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/slow")
    for _ in range(6):
        submit(client, public_id)
    run_runners(app, 2)
    assert receiver.max_in_flight == 2  # counted where it matters: at the endpoint
    deliveries = all_deliveries(app)
    assert [delivery["status"] for delivery in deliveries] == ["succeeded"] * 6
    assert [delivery["attempt_count"] for delivery in deliveries] == [1] * 6  # waiting for a slot is no attempt


def test_the_slots_of_a_worker_that_stops_renewing_come_back_when_their_leases_run_out(app):
    dead = EndpointSlots(app.redis, cap=2, lease_seconds=0.4)
    alive = EndpointSlots(app.redis, cap=2, lease_seconds=0.4)
    assert dead.admit([("wh_a", None, "job-1"), ("wh_a", None, "job-2"), ("wh_a", None, "job-3")]) == [
        True, True, False,
    ]
    assert alive.admit([("wh_a", None, "job-3"), ("wh_b", None, "job-4")]) == [False, True]  # only wh_a is full
    time.sleep(0.5)  # the dead one never renews nor releases
    assert alive.admit([("wh_a", None, "job-3"), ("wh_a", None, "job-5")]) == [True, True]


def test_renewed_leases_hold_their_slots_until_released(app):
    holder = EndpointSlots(app.redis, cap=1, lease_seconds=0.3)
    other = EndpointSlots(app.redis, cap=1, lease_seconds=0.3)
    holder.start_renewing()
    try:
        assert holder.admit([("wh_a", None, "job-1")]) == [True]
        time.sleep(0.8)  # past two leases: renewed meanwhile
        assert other.admit([("wh_a", None, "job-2")]) == [False]
        holder.release([("wh_a", "job-1")])
        assert other.admit([("wh_a", None, "job-2")]) == [True]
    finally:
        holder.stop()


def test_an_admit_refused_within_one_batch_takes_no_slot(app):
    slots = EndpointSlots(app.redis, cap=1, lease_seconds=5)
    assert slots.admit([("wh_a", None, f"job-{number}") for number in range(4)]) == [True, False, False, False]
    slots.release([("wh_a", "job-0")], sent=False)
    assert slots.admit([("wh_a", None, "job-3")]) == [True]


@pytest.mark.slow
@pytest.mark.app_config(WORKER_ENDPOINT_CONCURRENCY=1)
def test_a_killed_worker_process_gives_its_slot_back_when_the_lease_runs_out(
        app, client, accounts, receiver, database_url, redis_url, tmp_path):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    receiver.reply(Reply(delay=6))  # the first request hangs while its worker is killed
    submit(client, public_id)
    worker = start_worker(database_url, redis_url, tmp_path / "worker.log", WORKER_ENDPOINT_CONCURRENCY="1",
                          WORKER_SLOT_LEASE="1", WEBHOOK_TIMEOUT="10")
    deadline = time.monotonic() + 30
    while receiver.in_flight == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert receiver.in_flight == 1, "the worker never sent"
    os.killpg(worker.pid, signal.SIGKILL)  # it holds the endpoint's only slot, and never gives it back
    worker.wait(10)
    second = submit(client, public_id)
    run_runners(app, 1)  # refused until the dead worker's lease runs out, then sent
    (arrived,) = receiver.wait_for(1)  # the hanging first request is still being held
    assert arrived.headers["webhook-id"] == next(
        delivery["id"] for delivery in all_deliveries(app) if delivery["submission_id"] == second)
