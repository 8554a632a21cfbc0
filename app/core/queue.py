"""The job queue: RQ on Redis, and the only module of the app that touches RQ.

RQ stays the queue: jobs keep RQ's keys and statuses, RQ's scheduler moves scheduled jobs
in, and RQ's dashboard shows them under /ops/rq. The rest of the app calls these verbs:

- enqueue_job(function path, *args, job_id=, at=, tenant=): queue any job, now or at a time
  (the generic verb: delivery attempts use it through outbox.enqueue, mail jobs likewise);
- JobQueue(app, worker_name): the worker's side: take a batch, finish, put back, wait for work;
- waiting(job_ids), running(job_id), states(job_ids): is a job in line, being worked on, or what;
- depth(), waiting_job_ids(), scheduled_jobs(): what the queues hold, for metrics and tests;
- Scheduler(app) and move_due_jobs(): moving scheduled jobs whose time has come;
- announce_waiting_queues(): find every queue holding jobs again (the sweep's first step);
- current_job_args(), mount_dashboard(app, prefix): for logs and the operator pages.

Fair queuing: a job queued for a tenant (a workspace) waits in that tenant's own RQ queue,
"deliveries:<tenant>"; jobs of no tenant (mail) wait in "deliveries". A worker's take serves
the queues in turns, one job each per round (app/core/queue_turns.py), so one tenant's
backlog delays nobody else, and within a queue jobs keep their first-in first-out order.

Statuses the sweep relies on are RQ's own; tests/test_queue.py pins them and the key layout,
so an RQ upgrade that changes either fails there rather than losing jobs.
"""

import logging
import time
from datetime import UTC, datetime

import redis
from flask import current_app
from rq import Queue, get_current_job
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler

from app.core import queue_turns

log = logging.getLogger(__name__)
QUEUE_NAME = "deliveries"  # jobs of no tenant; a tenant's queue is named QUEUE_NAME:<tenant>
# a job in one of these states will still be worked on: enqueueing its id again would double it
LIVE_STATES = frozenset(s.value for s in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED,
                                          JobStatus.DEFERRED))
# in line for a worker; anything else behind a due delivery (scheduled, started, gone) is stuck
WAITING_STATES = frozenset(s.value for s in (JobStatus.QUEUED, JobStatus.DEFERRED))
TAKEN_STATE = JobStatus.STARTED.value
# a taken job's hash outlives any attempt; it only guards against keys left by a killed worker
TAKEN_JOB_TTL = 86400
FAILED_JOB_TTL = 3600  # seconds a failed job stays visible in /ops/rq
_SCHEDULED_PREFIX = ScheduledJobRegistry.key_template.format("")  # + a queue's name: its scheduled registry


class QueueUnavailable(Exception):
    """Redis did not answer; the job was not queued."""


def init_app(app):
    """Attach a Redis connection (app.redis: the queue, rate limits, locks) and the queue to app."""
    app.redis = redis.Redis.from_url(app.config["REDIS_URL"], health_check_interval=30)
    app.extensions["job_queue"] = Queue(QUEUE_NAME, connection=app.redis)


def _queue(app=None):
    return (app or current_app).extensions["job_queue"]


def queue_name(tenant=None):
    """The name of the RQ queue where tenant's jobs wait (QUEUE_NAME for jobs of no tenant)."""
    return QUEUE_NAME if tenant is None else f"{QUEUE_NAME}:{tenant}"


def _queue_for(tenant, app=None):
    default = _queue(app)
    return default if tenant is None else Queue(queue_name(tenant), connection=default.connection)


def enqueue_job(function, *args, job_id=None, at=None, replace=False, new=False, timeout=None,
                failure_ttl=FAILED_JOB_TTL, tenant=None):
    """Queue function(*args) (a dotted path, e.g. "app.delivery.jobs.deliver"); True if queued.

    at: a time to run it (a past or missing one queues it now). job_id makes the job unique:
    while a job with that id is still live (waiting, scheduled or running) nothing is queued,
    unless replace, which deletes whatever holds the id first. new: the id is known to be
    unused, which saves a round trip. tenant: whose queue it waits in, taking turns with the
    other tenants'. Raises QueueUnavailable when Redis does not answer.
    """
    queue = _queue_for(tenant)
    try:
        if job_id is not None and not new and Job.exists(job_id, queue.connection):
            existing = Job.fetch(job_id, connection=queue.connection)
            if not replace and JobStatus(existing.get_status(refresh=False)).value in LIVE_STATES:
                return False
            existing.delete()
        options = {"job_id": job_id, "result_ttl": 0, "failure_ttl": failure_ttl, "job_timeout": timeout}
        # one round trip: RQ's commands and the queue's turn in one transaction
        with queue.connection.pipeline() as pipe:
            if at is not None and at > _naive_utcnow(at):
                at = at if at.tzinfo else at.replace(tzinfo=UTC)  # RQ would read a naive time as local
                queue.enqueue_at(at, function, *args, pipeline=pipe, **options)
                queue_turns.announce_scheduled(pipe, queue.name, at)
            else:
                queue.enqueue(function, *args, pipeline=pipe, **options)
                queue_turns.announce(pipe, queue.name)
            pipe.execute()
        return True
    except redis.RedisError as exc:
        raise QueueUnavailable(str(exc)) from exc


def enqueue_new_jobs(function, jobs, timeout=None, failure_ttl=FAILED_JOB_TTL):
    """Queue several jobs now in one round trip; jobs: (job_id, tenant, args) with ids known unused.

    One transaction: all of them are queued, or (QueueUnavailable) none.
    """
    if not jobs:
        return
    connection = _queue().connection
    try:
        with connection.pipeline() as pipe:
            for job_id, tenant, args in jobs:
                queue = _queue_for(tenant)
                queue.enqueue(function, *args, pipeline=pipe, job_id=job_id, result_ttl=0,
                              failure_ttl=failure_ttl, job_timeout=timeout)
                queue_turns.announce(pipe, queue.name)
            pipe.execute()
    except redis.RedisError as exc:
        raise QueueUnavailable(str(exc)) from exc


def _naive_utcnow(like):
    """Now in UTC, naive or aware like the given time (the models keep naive UTC)."""
    now = datetime.now(UTC)
    return now if like.tzinfo else now.replace(tzinfo=None)


def _queues(app=None):
    """Every RQ queue of ours that RQ knows (the default one first), as RQ's dashboard lists them."""
    connection = _queue(app).connection
    names = sorted(
        key.decode()[len(Queue.redis_queue_namespace_prefix):] for key in connection.smembers(Queue.redis_queues_keys)
    )
    ours = [name for name in names if name == QUEUE_NAME or name.startswith(QUEUE_NAME + ":")]
    return [_queue(app)] + [Queue(name, connection=connection) for name in ours if name != QUEUE_NAME]


def states(job_ids, app=None):
    """RQ's status of each job ("queued", "scheduled", "started", …), None where Redis has no such job."""
    with _queue(app).connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hget(Job.key_for(job_id), "status")
        return [status.decode() if status is not None else None for status in pipe.execute()]


def waiting(job_ids):
    """For each job id, whether that job sits in the queue waiting for a worker."""
    return [state in WAITING_STATES for state in states(job_ids)]


def running(job_id):
    """Whether a worker has taken the job and not finished it (or died holding it)."""
    try:
        return states([job_id])[0] == TAKEN_STATE
    except redis.RedisError:  # an unreadable queue shows nothing running
        return False


def depth(app=None):
    """How many jobs wait in line and how many are scheduled for later, over every queue."""
    queues = _queues(app)
    with queues[0].connection.pipeline(transaction=False) as pipe:
        for queue in queues:
            pipe.llen(queue.key)
            pipe.zcard(ScheduledJobRegistry(queue=queue).key)
        counts = pipe.execute()
    return {"queued": sum(counts[0::2]), "scheduled": sum(counts[1::2])}


def waiting_job_ids(app=None):
    """The ids waiting in line, head first, queue by queue."""
    return [job_id for queue in _queues(app) for job_id in queue.get_job_ids()]


def scheduled_jobs(app=None):
    """{job id: when it is due (aware UTC)} of the jobs scheduled for later, in every queue."""
    jobs = {}
    for queue in _queues(app):
        registry = ScheduledJobRegistry(queue=queue)
        jobs.update({job_id: registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()})
    return jobs


def announce_waiting_queues(app=None):
    """Give every queue that holds jobs its turns again; return how many had none.

    A job pushed by something other than this module (RQ's dashboard requeueing a failed job,
    say) or turns lost with their key would otherwise wait where no worker looks.
    """
    return _turns(_queue(app).connection).rediscover(
        Queue.redis_queues_keys, Queue.redis_queue_namespace_prefix, _SCHEDULED_PREFIX, QUEUE_NAME,
    )


def _turns(connection):
    return queue_turns.Turns(connection)


def current_job_args():
    """The arguments of the job RQ's own worker runs in this thread, or () outside one."""
    job = get_current_job()
    return tuple(job.args or ()) if job is not None else ()


def _rq_timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class JobQueue:
    """The queues seen by one worker process: take jobs in batches, then finish or put them back.

    Only the taking is batched: one script call takes up to n jobs, in turns across the
    queues, and marks each started, where RQ's own worker spends a dozen round trips per job.
    A job taken by a worker that then dies stays started while its delivery is due, which the
    sweep counts as lost.
    """

    def __init__(self, app, worker_name):
        self.queue = _queue(app)
        self.connection = self.queue.connection
        self.worker_name = worker_name
        self._turns = _turns(self.connection)

    def take(self, limit):
        """Up to limit job ids, one from each queue in turn, now marked started."""
        return self._turns.take(
            limit, self.worker_name, _rq_timestamp(datetime.now(UTC)), Job.redis_job_namespace_prefix,
            TAKEN_JOB_TTL, TAKEN_STATE, Queue.redis_queue_namespace_prefix,
        )

    def wait_for_work(self, timeout):
        """Block until some queue may hold a job (or timeout seconds pass)."""
        try:
            queue_turns.wait_for_bell(self.connection, timeout)
        except redis.RedisError:  # Redis is away (or stopping with us): the next take says so
            time.sleep(timeout)

    def finish(self, job_ids):
        """Forget jobs that are done (result_ttl=0: nothing is kept)."""
        if job_ids:
            self.connection.delete(*[Job.key_for(job_id) for job_id in job_ids])

    def put_back(self, job_ids):
        """Return taken jobs to the tail of their queues, waiting again (their endpoint is busy)."""
        if job_ids:
            self._turns.put_back(
                job_ids, Job.redis_job_namespace_prefix, Queue.redis_queue_namespace_prefix, JobStatus.QUEUED.value,
            )

    def perform(self, job_id):
        """Run a job of another kind (a mail job, say) the way RQ's own worker would, then forget it."""
        job = Job.fetch(job_id, connection=self.connection)
        try:
            job.perform()
        finally:
            self.finish([job_id])


def _move_due(scheduler, connection):
    """Have RQ's scheduler move the due jobs of every queue with something due, then give those queues turns."""
    names = [QUEUE_NAME, *(name for name in queue_turns.due_scheduled(connection, time.time()) if name != QUEUE_NAME)]
    scheduler.prepare_registries(names)
    scheduler.enqueue_scheduled_jobs()
    _turns(connection).settle(names, Queue.redis_queue_namespace_prefix, _SCHEDULED_PREFIX)


class Scheduler:
    """RQ's scheduler, ticked by a thread of the worker: it dies with the worker, never orphaned.

    One worker at a time holds the scheduler lock (of the default queue: one lock for all
    queues) and moves due scheduled jobs (retries, deferred jobs) into their queues; the
    others try to take the lock every tick.
    """

    def __init__(self, app):
        self._scheduler = RQScheduler([_queue(app)], connection=app.redis)
        self._connection = app.redis
        self.interval = self._scheduler.interval

    def tick(self):
        scheduler = self._scheduler
        if scheduler.acquired_locks:
            scheduler.heartbeat()  # refreshes the lock, or notices that another took it
        else:
            scheduler.acquire_locks()
        if scheduler.acquired_locks:
            _move_due(scheduler, self._connection)

    def release(self):
        """Give the lock up, so the next worker need not wait for it to expire."""
        try:
            self._scheduler.release_locks()
        except redis.RedisError:  # Redis stopped first: the lock expires on its own
            log.info("scheduler lock left to expire")


def move_due_jobs(app=None):
    """Move every scheduled job whose time has come into its queue now, lock or no lock."""
    queue = _queue(app)
    _move_due(RQScheduler([queue], connection=queue.connection), queue.connection)


def mount_dashboard(app, url_prefix):
    """Serve RQ's dashboard under url_prefix; return its blueprint (the caller guards it)."""
    import rq_dashboard

    app.config.setdefault("RQ_DASHBOARD_REDIS_URL", app.config["REDIS_URL"])
    rq_dashboard.web.setup_rq_connection(app)
    app.register_blueprint(rq_dashboard.blueprint, url_prefix=url_prefix)
    return rq_dashboard.blueprint
