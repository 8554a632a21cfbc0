"""The delivery worker's engine: many attempts in flight on one event loop, database work in batches.

Sending is I/O: one asyncio loop keeps up to WORKER_CONCURRENCY requests in flight over one
keep-alive pool. Everything else (taking jobs, claiming, rendering, signing, recording) runs
in batches on database threads (one takes, one records; on SQLite, one for both), so a hundred
finished attempts cost one transaction and a few Redis round trips instead of a hundred of
each. Endpoint slots shared by the whole fleet (endpoint_slots.py) keep an endpoint that hangs
from holding more than WORKER_ENDPOINT_CONCURRENCY attempts in flight across every worker
process: its further jobs go back to the tail of the queue, still waiting, while the jobs
behind them are sent.

deliver_now makes a single attempt with these same steps, for a job RQ's own worker runs.
"""

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from app.core.async_run import run_sync
from app.core.extensions import db
from app.core.queue import JobQueue
from app.delivery import outbox, sender
from app.delivery.endpoint_slots import EndpointSlots, UncappedSlots
from app.delivery.listen_handoff import Carrier, ListenHandoff
from app.delivery.outbox import job_id_for, parse_job_id
from app.delivery.transport import AsyncTransport, Outcome

log = logging.getLogger(__name__)
TAKE_BATCH = 100  # jobs taken per round trip at most
IDLE_WAIT = 1  # seconds a blocking wait for work lasts before the loop looks around again
BUSY_PAUSE = 0.05  # seconds to wait for a free slot when every job taken was for a busy endpoint


class Batches:
    """The database threads' work: turn taken jobs into requests, and outcomes into records."""

    def __init__(self, app, jobqueue, slots):
        self.app = app
        self.jobqueue = jobqueue
        self.slots = slots
        self.schedule = app.config["WEBHOOK_RETRY_SCHEDULE"]

    def start(self, limit):
        """Take up to limit jobs; return (ready attempts, other jobs, how many were taken)."""
        job_ids = self.jobqueue.take(limit)
        if not job_ids:
            return [], [], 0
        try:
            return self.claim_and_prepare(job_ids)
        finally:
            db.session.remove()

    def claim_and_prepare(self, job_ids):
        """Admit, claim, render and sign the attempts these jobs ask for; forget the stale ones."""
        attempts = {}
        others = []
        for job_id in job_ids:
            parsed = parse_job_id(job_id)
            if parsed is None:
                others.append(job_id)
            else:
                attempts[parsed[0]] = (parsed[1], job_id)
        endpoint_of = sender.endpoints_of(list(attempts))
        gone = [job_id for delivery_id, (_, job_id) in attempts.items() if delivery_id not in endpoint_of]
        admitted, busy = self._admit(attempts, endpoint_of)
        ready = []
        try:
            ready = self._claim_admitted(admitted, busy, attempts)
        finally:  # on an error too: a slot is held only by what is really being sent
            sending = {item.delivery_id for item in ready}
            # stale, closed unsent, or nothing taken at all: its start does not count against the rate either
            unsent = [delivery_id for delivery_id, _ in admitted if delivery_id not in sending]
            self.slots.release([(endpoint_of[delivery_id][0], attempts[delivery_id][1]) for delivery_id in unsent],
                               sent=False)
            gone += [attempts[delivery_id][1] for delivery_id in unsent]
        self.jobqueue.finish(gone)
        for item in ready:
            item.job_id = attempts[item.delivery_id][1]
        self.slots.sending([(item.webhook_id, item.job_id) for item in ready])
        return ready, others, len(job_ids)

    def _admit(self, attempts, endpoint_of):
        """Ask the endpoint slots about every attempt whose delivery exists, at once: (admitted, busy).

        Busy: its endpoint has all its slots in flight, or has started as many as its rate limit allows.
        """
        known = [delivery_id for delivery_id in attempts if delivery_id in endpoint_of]
        verdicts = self.slots.admit([(*endpoint_of[delivery_id], attempts[delivery_id][1]) for delivery_id in known])
        admitted, busy = [], []
        for delivery_id, ok in zip(known, verdicts, strict=True):
            if ok:
                admitted.append((delivery_id, attempts[delivery_id][0]))
            else:
                busy.append(delivery_id)
        return admitted, busy

    def _claim_admitted(self, admitted, busy, attempts):
        """Put the busy back in line; in one transaction, claim the admitted, render and sign them."""
        self.jobqueue.put_back([attempts[delivery_id][1] for delivery_id in busy])
        claimed = sender.claim_many(admitted, outbox.lease_seconds())
        return sender.prepare_claimed([(delivery_id, attempts[delivery_id][0]) for delivery_id in claimed])

    def finish(self, items):
        """Free their endpoint slots; record outcomes in one transaction, queue the retries, forget the jobs."""
        self.slots.release([(item.webhook_id, item.job_id) for item in items])
        try:
            retries = sender.record(items, self.schedule)
            workspace_of = {item.delivery_id: item.workspace_id for item in items}
            for delivery_id, number, at in retries:
                outbox.enqueue(delivery_id, number, workspace_of.get(delivery_id), at=at)
            self.jobqueue.finish([item.job_id for item in items])
        finally:
            db.session.remove()


class JobsRQRuns:
    """The queue as a job run by RQ's own worker sees it: RQ finishes the job itself."""

    def finish(self, job_ids):
        pass

    def put_back(self, job_ids):
        pass


def deliver_now(app, delivery_id, attempt_number):
    """Make one attempt here and now, with the worker's own steps: claim, render and sign, send, record."""
    batches = Batches(app, JobsRQRuns(), UncappedSlots())
    with app.app_context():
        try:
            ready, _, _ = batches.claim_and_prepare([job_id_for(delivery_id, attempt_number)])
        finally:
            db.session.remove()
        if not ready:
            return
        run_sync(lambda: _send_all(app, ready))
        batches.finish(ready)


async def _send_all(app, items):
    transport = _transport(app, len(items))
    try:
        await asyncio.gather(*(send(item, transport) for item in items if item.outcome is None))
    finally:
        await transport.close()


def _transport(app, max_connections):
    """The carrier of this loop's attempts: the SSRF-safe transport, and the hand-off to listen sessions."""
    timeout = app.config["WEBHOOK_TIMEOUT"]
    transport = AsyncTransport(
        timeout=timeout, allowed_networks=app.config["WEBHOOK_ALLOWED_NETWORKS"], max_connections=max_connections,
    )
    return Carrier(transport, ListenHandoff(app.config["REDIS_URL"], timeout))


async def send(item, carrier):
    """Send one prepared attempt; its outcome lands on item, whatever goes wrong."""
    try:
        item.outcome = await carrier.send(item)
    except Exception as exc:  # a bug, not the network (send answers those): record it, keep the slot count right
        log.exception("sending delivery %s failed unexpectedly", item.delivery_id)
        item.outcome = Outcome(error=f"could not send: {type(exc).__name__}", error_class="connection")


class DeliveryRunner:
    """Works the delivery queue until stopped (or, in burst mode, until nothing is left)."""

    def __init__(self, app, worker_name, concurrency=None):
        self.app = app
        self.concurrency = concurrency or app.config["WORKER_CONCURRENCY"]
        self.slots = EndpointSlots.of_app(app)
        self.jobqueue = JobQueue(app, worker_name)
        self.batches = Batches(app, self.jobqueue, self.slots)
        self.stopping = threading.Event()
        self.in_flight = 0
        self._done = []
        self._sending = set()  # the loop keeps only weak references to tasks: these keep them alive
        self._sent_event = self._freed_event = None
        self._taking = ThreadPoolExecutor(1, thread_name_prefix="formhook-take", initializer=self._enter_app)
        # a server database takes and records at once; SQLite has one writer, so one thread does both
        self._recording = (
            self._taking if _is_sqlite(app) else
            ThreadPoolExecutor(1, thread_name_prefix="formhook-record", initializer=self._enter_app)
        )
        self._waiter = ThreadPoolExecutor(1, thread_name_prefix="formhook-wait")
        # jobs of other kinds (notice mail) run here: a slow SMTP server never holds up taking or recording
        self._other_jobs = ThreadPoolExecutor(1, thread_name_prefix="formhook-jobs", initializer=self._enter_app)

    def _enter_app(self):
        self.app.app_context().push()  # this thread's whole life runs inside the app

    def _perform(self, job_id):
        try:
            self.jobqueue.perform(job_id)
        except Exception:  # the job's own failure: it is logged, the worker goes on
            log.exception("job %s failed", job_id)
        finally:
            db.session.remove()

    def stop(self):
        """Stop taking jobs; attempts in flight finish and are recorded."""
        self.stopping.set()

    def run(self, burst=False):
        self.slots.start_renewing()
        try:
            run_sync(lambda: self._run(burst))
        finally:
            self.slots.stop()
            self._taking.shutdown(wait=True)
            self._recording.shutdown(wait=True)
            self._waiter.shutdown(wait=False, cancel_futures=True)
            self._other_jobs.shutdown(wait=True)

    @staticmethod
    async def _on(executor, function, *args):
        return await asyncio.get_running_loop().run_in_executor(executor, function, *args)

    async def _run(self, burst):
        self._sent_event, self._freed_event = asyncio.Event(), asyncio.Event()
        transport = _transport(self.app, self.concurrency)
        finisher = asyncio.create_task(self._finish_loop())
        try:
            await self._take_loop(transport, burst)
        finally:
            while self.in_flight:
                await _wait(self._freed_event)
            finisher.cancel()
            await transport.close()

    async def _take_loop(self, transport, burst):
        while not self.stopping.is_set():
            free = self.concurrency - self.in_flight
            if free <= 0:
                await _wait(self._freed_event)
                continue
            try:
                ready, others, taken = await self._on(self._taking, self.batches.start, min(free, TAKE_BATCH))
            except Exception:  # Redis or the database is away: the jobs stay "started" for the sweep
                log.exception("could not take deliveries; trying again in a second")
                await asyncio.sleep(1)
                continue
            for job_id in others:
                self._other_jobs.submit(self._perform, job_id)
            self._launch(ready, transport)
            if taken and not ready and not others:
                # all for busy endpoints (here or in other workers): taking them again at once would only spin
                await _wait_at_most(self._freed_event, BUSY_PAUSE)
            if taken:
                continue
            if burst:
                if self.in_flight == 0:
                    return
                await _wait(self._freed_event)
            else:
                await asyncio.get_running_loop().run_in_executor(self._waiter, self.jobqueue.wait_for_work, IDLE_WAIT)

    def _launch(self, ready, transport):
        for item in ready:
            self.in_flight += 1
            if item.outcome is None:
                task = asyncio.create_task(self._send(item, transport))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)
            else:
                self._sent(item)

    async def _send(self, item, transport):
        await send(item, transport)
        self._sent(item)

    def _sent(self, item):
        self._done.append(item)
        self._sent_event.set()

    async def _finish_loop(self):
        """Record whatever has been sent since the last batch, one batch at a time."""
        while True:
            if not self._done:
                await _wait(self._sent_event)
                continue
            items, self._done = self._done, []
            try:
                await self._on(self._recording, self.batches.finish, items)
            except Exception:  # the database is away: the leases run out and the sweep sends again
                log.exception("could not record %d attempts; the sweep will retry them", len(items))
            self.in_flight -= len(items)
            self._freed_event.set()


def _is_sqlite(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


async def _wait_at_most(event, seconds):
    try:
        await asyncio.wait_for(_wait(event), seconds)
    except TimeoutError:
        pass


async def _wait(event):
    await event.wait()
    event.clear()
