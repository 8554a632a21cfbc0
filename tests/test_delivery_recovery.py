"""The database is the source of truth: the sweep recovers lost and dead jobs, and never doubles live ones."""

from datetime import datetime, timedelta

import pytest

from app.core import queue
from app.core.extensions import db
from app.delivery import jobs, outbox
from app.delivery.outbox import job_id_for
from app.models import Delivery
from app.models.base import utcnow
from app.runtime.worker import sweep_once
from tests.conftest import make_form, make_webhook
from tests.delivery_support import (
    all_deliveries,
    form_with_webhook,
    only_delivery,
    submit,
    take_and_lease,
    work_once,
)
from tests.receiver import Receiver, Reply


def _age(app, delivery_id, seconds):
    """Make a delivery's due time (or lease end) lie seconds in the past."""
    with app.app_context():
        delivery = db.session.get(Delivery, delivery_id)
        delivery.next_attempt_at = utcnow() - timedelta(seconds=seconds)
        db.session.commit()


def test_the_same_attempt_is_never_queued_twice_at_once(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    delivery_id = only_delivery(app)["id"]
    with app.app_context():
        assert outbox.enqueue(delivery_id, 1) is False  # already queued by the submission
    assert queue.waiting_job_ids(app) == [job_id_for(delivery_id, 1)]


def test_a_flushed_redis_loses_nothing(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    app.redis.flushdb()
    work_once(app)
    assert receiver.requests == []

    delivery_id = only_delivery(app)["id"]
    with app.app_context():
        assert jobs.sweep(grace_seconds=5) == 0  # just created: the enqueue after commit may still be coming
    _age(app, delivery_id, 6)
    assert sweep_once(app) == 1
    work_once(app)
    assert [request.headers["webhook-id"] for request in receiver.wait_for(1)] == [delivery_id]
    assert only_delivery(app)["status"] == "succeeded"


def test_a_job_waiting_in_the_queue_is_left_alone(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    _age(app, only_delivery(app)["id"], 60)  # a long backlog: due for a minute, still queued
    with app.app_context():
        assert jobs.sweep() == 0
    work_once(app)
    assert len(receiver.requests) == 1


def test_a_worker_killed_mid_send_is_recovered_after_its_lease(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    delivery_id = only_delivery(app)["id"]
    # what SIGKILL leaves behind: the job marked started in Redis, the attempt leased in the database
    take_and_lease(app, delivery_id, 1, lease_seconds=30)
    with app.app_context():
        assert jobs.sweep(grace_seconds=0) == 0  # the lease still runs: the send may yet finish
    _age(app, delivery_id, 1)  # the lease ran out
    with app.app_context():
        assert jobs.sweep(grace_seconds=0) == 1
    work_once(app)
    assert [request.headers["webhook-id"] for request in receiver.wait_for(1)] == [delivery_id]
    delivery = only_delivery(app)
    assert delivery["status"] == "succeeded" and delivery["attempt_count"] == 1


def test_a_scheduled_retry_no_scheduler_moved_is_sent_by_the_sweep(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    delivery_id = only_delivery(app)["id"]
    with app.app_context():
        outbox.enqueue(delivery_id, 1, at=utcnow() + timedelta(hours=1), force=True)
    _age(app, delivery_id, 10)
    with app.app_context():
        assert jobs.sweep() == 1
    work_once(app)
    assert len(receiver.wait_for(1)) == 1


def test_a_duplicate_job_for_the_same_attempt_sends_once(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    delivery_id = only_delivery(app)["id"]
    with app.app_context():
        jobs.deliver(delivery_id, 1)
        jobs.deliver(delivery_id, 1)  # a second copy, e.g. re-enqueued while the first ran
        jobs.deliver(delivery_id, 3)  # a stale job for an attempt that is not next
    assert len(receiver.requests) == 1
    assert only_delivery(app)["attempt_count"] == 1


def test_the_sweep_pages_through_every_due_delivery(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    for _ in range(5):
        submit(client, public_id)
    app.redis.flushdb()
    with app.app_context():
        for delivery in db.session.scalars(db.select(Delivery)):
            delivery.next_attempt_at = utcnow() - timedelta(minutes=1)  # the same due time for all
        db.session.commit()
        assert jobs.sweep(page_size=2) == 5
        assert jobs.sweep(page_size=2) == 0  # now every one has a job waiting
    work_once(app)
    assert len({request.headers["webhook-id"] for request in receiver.wait_for(5)}) == 5


def test_jobs_taken_by_a_worker_that_died_are_sent_by_the_sweep(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    for _ in range(3):
        submit(client, public_id)
    # a worker takes the jobs (RQ status "started") and is killed before claiming any
    taken = queue.JobQueue(app, "dead-worker").take(10)
    assert len(taken) == 3 and queue.depth(app)["queued"] == 0
    with app.app_context():
        assert set(queue.states(taken)) == {"started"}
    for delivery in all_deliveries(app):
        _age(app, delivery["id"], 60)
    with app.app_context():
        assert jobs.sweep() == 3
    work_once(app)
    assert len({request.headers["webhook-id"] for request in receiver.wait_for(3)}) == 3
    assert {delivery["status"] for delivery in all_deliveries(app)} == {"succeeded"}


@pytest.mark.app_config(WORKER_ENDPOINT_CONCURRENCY=2, WEBHOOK_TIMEOUT=1, WEBHOOK_RETRY_SCHEDULE=[])
def test_an_endpoint_that_hangs_holds_no_more_than_its_cap(app, client, accounts, receiver):
    receiver.default = Reply(delay=3)  # longer than the timeout: every attempt to it hangs
    _, workspace_id = accounts.user()
    hanging_form, hanging_id = make_form(app, workspace_id)
    hanging_webhook = make_webhook(app, hanging_form, f"{receiver.url}/hang")
    healthy = Receiver().start()
    try:
        healthy_form, healthy_id = make_form(app, workspace_id)
        make_webhook(app, healthy_form, f"{healthy.url}/ok")
        for number in range(5):
            submit(client, hanging_id)
            if number < 2:
                submit(client, healthy_id)
        work_once(app)
        assert len(healthy.wait_for(2)) == 2
    finally:
        healthy.stop()
    deliveries = all_deliveries(app)
    hanging = [delivery for delivery in deliveries if delivery["webhook_id"] == hanging_webhook]
    healthy_ones = [delivery for delivery in deliveries if delivery["webhook_id"] != hanging_webhook]
    assert {delivery["status"] for delivery in healthy_ones} == {"succeeded"}
    assert [delivery["status"] for delivery in hanging] == ["failed"] * 5  # each waited its turn, none lost
    spans = [(datetime.fromisoformat(attempt["at"]), attempt["duration_ms"])
             for delivery in hanging for attempt in delivery["attempts"]]
    starts = [start for start, _ in spans]
    # never more than the cap (2) attempts to the hanging endpoint at once
    assert max(sum(1 for start, ms in spans if start <= moment < start + timedelta(milliseconds=ms))
               for moment in starts) <= 2
    # the healthy webhook did not wait behind the hanging one
    first_hang_ends = min(start + timedelta(milliseconds=ms) for start, ms in spans)
    assert all(datetime.fromisoformat(delivery["attempts"][0]["at"]) < first_hang_ends for delivery in healthy_ones)
