"""app/core/queue.py against RQ itself: the statuses and keys it relies on, and every verb.

This file may import rq: it checks that what the queue module writes is what RQ reads, so an
RQ upgrade that renames a status or moves a key fails here, loudly, instead of in the sweep.
"""

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry

from app import create_app
from app.core import queue
from app.runtime import embedded_redis
from tests.conftest import _test_config
from tests.delivery_support import form_with_webhook, only_delivery, submit, work_once

RAN_KEY = "test:generic-job-ran"


def remember(*args):
    """A job of another kind (as a mail job will be): it leaves its arguments in Redis."""
    current_app.redis.rpush(RAN_KEY, repr(args))


def _rq_queue(app):
    return Queue(queue.QUEUE_NAME, connection=app.redis)


def _fetch(app, job_id):
    return Job.fetch(job_id, connection=app.redis)


def test_rq_has_exactly_the_statuses_the_sweep_was_written_for():
    # a new or renamed status needs a decision: is a job in it waiting, live, or lost?
    assert {status.value for status in JobStatus} == {
        "created", "queued", "finished", "failed", "started", "deferred", "scheduled", "stopped",
        "canceled", "rate_limited", "ready_to_enqueue",
    }
    assert queue.WAITING_STATES == {"queued", "deferred"}
    assert queue.LIVE_STATES == {"queued", "scheduled", "started", "deferred"}
    assert queue.TAKEN_STATE == "started"


def test_rq_keeps_its_keys_where_the_take_script_looks():
    assert Job.redis_job_namespace_prefix == "rq:job:"
    assert Job.key_for("deliver-x-1") == "rq:job:deliver-x-1"
    assert Queue.redis_queue_namespace_prefix == "rq:queue:"
    assert Queue.redis_queue_namespace_prefix + queue.QUEUE_NAME == "rq:queue:deliveries"
    assert Queue.redis_queues_keys == "rq:queues"  # where the sweep finds every queue again
    tenant_queue = Queue(queue.queue_name("ws_1"), connection=Redis())  # no round trip: only names
    assert tenant_queue.key == "rq:queue:deliveries:ws_1"
    assert ScheduledJobRegistry(queue=tenant_queue).key == "rq:scheduled:deliveries:ws_1"


def test_a_job_taken_put_back_and_finished_reads_the_same_through_rq(app):
    with app.app_context():
        assert queue.enqueue_job("tests.test_queue.remember", 1, job_id="generic-1") is True
    assert _fetch(app, "generic-1").get_status() == JobStatus.QUEUED
    assert _rq_queue(app).get_job_ids() == queue.waiting_job_ids(app) == ["generic-1"]

    jobqueue = queue.JobQueue(app, "worker-a")
    before = datetime.now(UTC).replace(microsecond=0)
    assert jobqueue.take(10) == ["generic-1"]
    job = _fetch(app, "generic-1")
    assert job.get_status() == JobStatus.STARTED and job.worker_name == "worker-a"
    assert before <= job.started_at.replace(tzinfo=UTC) <= datetime.now(UTC)
    assert _rq_queue(app).count == 0

    jobqueue.put_back(["generic-1"])
    assert _fetch(app, "generic-1").get_status() == JobStatus.QUEUED
    assert _rq_queue(app).get_job_ids() == ["generic-1"]

    assert jobqueue.take(10) == ["generic-1"]
    jobqueue.finish(["generic-1"])
    assert not Job.exists("generic-1", connection=app.redis)


def test_waiting_and_running_follow_every_rq_status(app):
    with app.app_context():
        queue.enqueue_job("tests.test_queue.remember", job_id="probe")
        job = _fetch(app, "probe")
        for status in JobStatus:
            job.set_status(status)
            assert queue.states(["probe"]) == [status.value]
            assert queue.waiting(["probe"]) == [status.value in ("queued", "deferred")], status
            assert queue.running("probe") is (status == JobStatus.STARTED), status
        assert queue.waiting(["no-such-job"]) == [False] and queue.states(["no-such-job"]) == [None]


def test_a_live_job_is_not_queued_twice_unless_replaced(app):
    with app.app_context():
        assert queue.enqueue_job("tests.test_queue.remember", "first", job_id="once") is True
        assert queue.enqueue_job("tests.test_queue.remember", "second", job_id="once") is False
        assert _fetch(app, "once").args == ("first",)
        assert queue.enqueue_job("tests.test_queue.remember", "third", job_id="once", replace=True) is True
        assert _fetch(app, "once").args == ("third",)
        _fetch(app, "once").set_status(JobStatus.FAILED)  # a dead job holds the id no more
        assert queue.enqueue_job("tests.test_queue.remember", "fourth", job_id="once") is True
    assert queue.waiting_job_ids(app) == ["once"]


def test_a_job_for_later_is_rq_scheduled_and_moved_in_when_due(app):
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1)
    with app.app_context():
        assert queue.enqueue_job("tests.test_queue.remember", job_id="later", at=later) is True
        assert queue.states(["later"]) == ["scheduled"]
    registry = ScheduledJobRegistry(queue=_rq_queue(app))
    assert registry.get_job_ids() == ["later"]
    assert abs((queue.scheduled_jobs(app)["later"].replace(tzinfo=None) - later).total_seconds()) < 1
    assert queue.depth(app) == {"queued": 0, "scheduled": 1}

    queue.move_due_jobs(app)
    assert queue.waiting_job_ids(app) == []  # not due yet
    registry.schedule(_fetch(app, "later"), datetime.now(UTC) - timedelta(seconds=1))  # its time has come
    queue.move_due_jobs(app)
    assert queue.waiting_job_ids(app) == ["later"] and queue.scheduled_jobs(app) == {}
    assert queue.depth(app) == {"queued": 1, "scheduled": 0}


def test_the_scheduler_moves_due_jobs_only_while_it_holds_the_lock(app):
    with app.app_context():
        queue.enqueue_job("tests.test_queue.remember", job_id="due", at=datetime.now(UTC) + timedelta(hours=1))
    ScheduledJobRegistry(queue=_rq_queue(app)).schedule(_fetch(app, "due"), datetime.now(UTC) - timedelta(seconds=1))
    holder, other = queue.Scheduler(app), queue.Scheduler(app)
    holder.tick()
    other.tick()  # the lock is taken: this one only tries again next tick
    assert queue.waiting_job_ids(app) == ["due"]
    assert len(app.redis.keys("rq:scheduler-lock:*")) == 1
    holder.release()
    assert app.redis.keys("rq:scheduler-lock:*") == []


def test_the_delivery_worker_runs_jobs_of_other_kinds(app):
    with app.app_context():
        queue.enqueue_job("tests.test_queue.remember", "mail", 7, job_id="mail-1")
    work_once(app)
    assert app.redis.lrange(RAN_KEY, 0, -1) == [b"('mail', 7)"]
    assert not Job.exists("mail-1", connection=app.redis)


def test_a_queue_that_does_not_answer_says_so(app, schema, database_url, session_dir):
    closed = create_app(_test_config(database_url, "redis://127.0.0.1:9/0", session_dir))
    with closed.app_context(), pytest.raises(queue.QueueUnavailable):
        queue.enqueue_job("tests.test_queue.remember", job_id="nowhere")
    with closed.app_context():
        assert queue.running("nowhere") is False


def test_a_plain_rq_worker_sends_a_delivery_with_the_workers_own_steps(app, client, accounts, receiver):
    _, public_id, _ = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    submit(client, public_id)
    from app.delivery import jobs

    jobs.bind_app(app)
    # given the queues RQ knows (the delivery waits in its workspace's), RQ's own worker runs it
    SimpleWorker(Queue.all(connection=app.redis), connection=app.redis).work(burst=True)
    (request,) = receiver.wait_for(1)
    delivery = only_delivery(app)
    assert request.headers["webhook-id"] == delivery["id"]
    assert delivery["status"] == "succeeded" and len(delivery["attempts"]) == 1


def test_a_worker_outlives_its_redis_stopping_first(schema, database_url, tmp_path):
    """Ctrl-C stops Valkey and the worker at once: waiting for work and giving up the lock must not crash."""
    process, url = embedded_redis.start_server(tmp_path / "valkey")
    app = create_app(_test_config(database_url, url, tmp_path))
    scheduler, jobqueue = queue.Scheduler(app), queue.JobQueue(app, "worker-a")
    scheduler.tick()
    assert len(app.redis.keys("rq:scheduler-lock:*")) == 1
    embedded_redis.stop_server(process)
    jobqueue.wait_for_work(0.01)
    scheduler.release()
    with pytest.raises(queue.QueueUnavailable), app.app_context():
        queue.enqueue_job("tests.test_queue.remember", job_id="after")
