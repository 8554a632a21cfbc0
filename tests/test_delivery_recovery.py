"""The database is the source of truth: the sweep recovers lost and dead jobs, and never doubles live ones."""

from contextlib import contextmanager
from datetime import timedelta

from rq.job import Job, JobStatus

from app.delivery import jobs, outbox, sender
from app.extensions import db
from app.models import Delivery
from app.models.base import utcnow
from app.queueing import job_id_for
from app.worker import sweep_once
from tests.delivery_support import form_with_webhook, only_delivery, submit, work_once


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
    assert app.task_queue.get_job_ids() == [job_id_for(delivery_id, 1)]


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
    job = Job.fetch(job_id_for(delivery_id, 1), connection=app.redis)
    # what SIGKILL leaves behind: the job marked started in Redis, the attempt leased in the database
    job.set_status(JobStatus.STARTED)
    app.task_queue.remove(job)
    with app.app_context():
        assert sender.claim(delivery_id, 1, lease_seconds=30) is True
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


def test_a_slot_that_refuses_leaves_the_attempt_unclaimed(app, client, accounts, receiver):
    class Busy(Exception):
        pass

    def busy_slot(webhook_id):
        raise Busy(webhook_id)

    _, public_id, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    delivery_id = only_delivery(app)["id"]
    held = []
    with app.app_context():
        transport = jobs.get_transport(app)
        schedule = app.config["WEBHOOK_RETRY_SCHEDULE"]
        try:
            sender.attempt_delivery(delivery_id, 1, transport, schedule, slot=busy_slot)
        except Busy as refused:
            held.append(str(refused))
        assert held == [webhook_id] and receiver.requests == []

        @contextmanager
        def free_slot(webhook_id):
            held.append("taken")
            yield

        sender.attempt_delivery(delivery_id, 1, transport, schedule, slot=free_slot)
    assert held == [webhook_id, "taken"] and len(receiver.requests) == 1
