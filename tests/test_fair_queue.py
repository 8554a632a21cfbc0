"""Fair queuing: one workspace's backlog delays no other workspace, and each keeps its own order."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from app.core import queue, queue_turns
from app.core.extensions import db
from app.delivery import jobs
from app.delivery.outbox import job_id_for
from app.models import Delivery
from tests.conftest import make_form, make_webhook
from tests.delivery_support import all_deliveries, submit, work_once
from tests.receiver import Reply

JOB = "tests.test_queue.remember"


def _queue_jobs(app, tenant, count, prefix):
    with app.app_context():
        for number in range(count):
            assert queue.enqueue_job(JOB, number, job_id=f"{prefix}-{number}", new=True, tenant=tenant)
    return [f"{prefix}-{number}" for number in range(count)]


def _make_due(app, tenant, job_id):
    """Bring a scheduled job's time forward to long ago, as the clock would."""
    name = queue.queue_name(tenant)
    app.redis.zadd("rq:scheduled:" + name, {job_id: 1})
    app.redis.zadd(queue_turns.SCHEDULED_KEY, {name: 1})


def _take_all(jobqueue, limit):
    taken = []
    while batch := jobqueue.take(limit):
        taken.extend(batch)
    return taken


def test_a_backlog_of_two_thousand_does_not_delay_another_workspaces_job(app):
    backlog = _queue_jobs(app, "ws_a", 2000, "a")
    (single,) = _queue_jobs(app, "ws_b", 1, "b")
    jobqueue = queue.JobQueue(app, "worker-a")

    first = jobqueue.take(10)
    assert single in first, "B's job is taken in the very first take, beside A's"
    taken = first + _take_all(jobqueue, 100)
    assert [job_id for job_id in taken if job_id != single] == backlog, "A's jobs keep their order"
    assert queue.depth(app)["queued"] == 0


def test_queues_are_served_in_turns_each_in_its_own_order(app):
    a = _queue_jobs(app, "ws_a", 4, "a")
    b = _queue_jobs(app, "ws_b", 2, "b")
    c = _queue_jobs(app, "ws_c", 1, "c")
    jobqueue = queue.JobQueue(app, "worker-a")

    rounds = [set(jobqueue.take(3)), set(jobqueue.take(3)), set(jobqueue.take(3))]
    assert rounds == [{a[0], b[0], c[0]}, {a[1], b[1]} | {a[2]}, {a[3]}]
    assert jobqueue.take(3) == []


def test_an_emptied_queue_leaves_the_turns_and_an_enqueue_brings_it_back(app):
    (first,) = _queue_jobs(app, "ws_a", 1, "a")
    jobqueue = queue.JobQueue(app, "worker-a")
    assert jobqueue.take(5) == [first]
    assert jobqueue.take(5) == []
    assert queue_turns.queues_with_turns(app.redis) == [], "nothing left to serve"
    assert not app.redis.exists(queue_turns.BELL_KEY), "idle workers block until the next job"

    (second,) = _queue_jobs(app, "ws_a", 1, "again")
    assert queue_turns.queues_with_turns(app.redis) == [queue.queue_name("ws_a")]
    assert app.redis.exists(queue_turns.BELL_KEY), "the bell is rung: a blocked worker wakes"
    assert jobqueue.take(5) == [second]


def test_a_job_put_back_waits_at_the_tail_of_its_own_queue(app):
    a = _queue_jobs(app, "ws_a", 3, "a")
    b = _queue_jobs(app, "ws_b", 1, "b")
    jobqueue = queue.JobQueue(app, "worker-a")
    taken = jobqueue.take(2)
    assert set(taken) == {a[0], b[0]}
    jobqueue.put_back(taken)
    with app.app_context():
        assert queue.waiting(taken) == [True, True]
    again = _take_all(jobqueue, 1)
    assert [job_id for job_id in again if job_id.startswith("a-")] == [a[1], a[2], a[0]]
    assert [job_id for job_id in again if job_id.startswith("b-")] == b


def test_a_tenants_job_for_later_moves_into_that_tenants_queue(app):
    later = datetime.now(UTC) + timedelta(hours=1)
    with app.app_context():
        assert queue.enqueue_job(JOB, "retry", job_id="later", at=later, tenant="ws_a")
    assert queue.scheduled_jobs(app).keys() == {"later"}
    queue.move_due_jobs(app)
    assert queue.waiting_job_ids(app) == [], "not due yet"

    _make_due(app, "ws_a", "later")
    scheduler = queue.Scheduler(app)
    try:
        scheduler.tick()
    finally:
        scheduler.release()
    assert queue.waiting_job_ids(app) == ["later"] and queue.scheduled_jobs(app) == {}
    assert app.redis.lrange("rq:queue:" + queue.queue_name("ws_a"), 0, -1) == [b"later"]
    assert queue.JobQueue(app, "worker-a").take(5) == ["later"]


def test_the_sweep_finds_jobs_in_a_queue_no_worker_was_serving(app, client, accounts, receiver):
    _, quiet = _two_workspaces(app, accounts, receiver)
    submit(client, quiet)
    (delivery,) = all_deliveries(app)
    app.redis.delete(queue_turns.TURNS_KEY)  # as after a push from outside this module
    jobqueue = queue.JobQueue(app, "worker-a")
    assert jobqueue.take(5) == []
    with app.app_context():
        assert jobs.sweep(grace_seconds=0) == 0, "the job waits: it is found, not queued twice"
    assert jobqueue.take(5) == [job_id_for(delivery["id"], 1)]


def _two_workspaces(app, accounts, receiver):
    _, busy_ws = accounts.user("busy@example.com")
    _, quiet_ws = accounts.user("quiet@example.com")
    busy_forms = [make_form(app, busy_ws) for _ in range(2)]
    for number, (form_id, _) in enumerate(busy_forms):
        make_webhook(app, form_id, f"{receiver.url}/busy{number}")
    quiet_form, quiet_public = make_form(app, quiet_ws)
    make_webhook(app, quiet_form, f"{receiver.url}/quiet")
    return [public_id for _, public_id in busy_forms], quiet_public


@pytest.mark.app_config(WORKER_CONCURRENCY=1)
def test_the_worker_sends_a_quiet_workspaces_delivery_before_a_busy_ones_backlog(app, client, accounts, receiver):
    busy, quiet = _two_workspaces(app, accounts, receiver)
    for number in range(6):
        for public_id in busy:
            submit(client, public_id, {"name": f"Lead {number}", "email": "a@example.com"})
    submit(client, quiet)
    work_once(app)  # one attempt in flight at a time: requests arrive in the order they were taken

    paths = [request.path for request in receiver.wait_for(13)]
    assert paths.index("/quiet") <= 1, paths
    for webhook in ("/busy0", "/busy1"):
        names = [json.loads(r.body)["data"]["submission"]["answers"]["name"]
                 for r in receiver.requests if r.path == webhook]
        assert names == [f"Lead {number}" for number in range(6)], "first in, first out per webhook"


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[60])
def test_a_retry_waits_in_its_workspaces_queue(app, client, accounts, receiver):
    _, quiet = _two_workspaces(app, accounts, receiver)
    receiver.reply(Reply(status=500))
    submit(client, quiet)
    work_once(app)
    (delivery,) = all_deliveries(app)
    retry_id = job_id_for(delivery["id"], 2)
    with app.app_context():
        row = db.session.get(Delivery, delivery["id"])
        workspace_id = row.workspace_id
        row.next_attempt_at = row.created_at  # the retry's time has come
        db.session.commit()
    assert delivery["status"] == "retrying" and queue.scheduled_jobs(app).keys() == {retry_id}
    scheduled_in = "rq:scheduled:" + queue.queue_name(workspace_id)
    assert app.redis.zrange(scheduled_in, 0, -1) == [retry_id.encode()]

    _make_due(app, workspace_id, retry_id)
    queue.move_due_jobs(app)
    assert app.redis.lrange("rq:queue:" + queue.queue_name(workspace_id), 0, -1) == [retry_id.encode()]
    work_once(app)
    assert all_deliveries(app)[0]["status"] == "succeeded"
