"""The delivery worker process: the batching runner over the job queue, plus scheduler, sweep, purge and heartbeat."""

import logging
import signal
import threading

from app.core import queue
from app.delivery import jobs
from app.delivery.runner import DeliveryRunner
from app.observability.heartbeat import process_name, start_heartbeat
from app.services import digests, file_sweep, mail_queue, retention

log = logging.getLogger(__name__)
SWEEP_LOCK = "formhook:sweep-lock"


def sweep_once(app):
    """Run one sweep unless another worker holds the lock; return the count or None."""
    # short-lived: a worker killed mid-sweep must not keep the others from sweeping for long
    lock = app.redis.lock(SWEEP_LOCK, timeout=max(5, app.config["SWEEP_INTERVAL"] * 3), blocking=False)
    if not lock.acquire():
        return None
    try:
        requeued = jobs.sweep()
        with app.app_context():
            digests.send_due()
            mail_queue.requeue_unsent()
        file_sweep.sweep_orphans_hourly(app)
        return requeued
    finally:
        try:
            lock.release()
        except Exception:  # the lock expired under a very slow sweep; nothing to release
            log.debug("sweep lock already gone")


def _every(interval, stop_event, name, work):
    """Run work every interval seconds in a daemon thread until stop_event is set."""

    def loop():
        while not stop_event.wait(interval):
            try:
                work()
            except Exception:  # keep going through a passing Redis or database outage
                log.exception("%s failed; trying again next interval", name)

    thread = threading.Thread(target=loop, name=f"formhook-{name}", daemon=True)
    thread.start()
    return thread


def start_sweeper(app, stop_event):
    """Sweep every SWEEP_INTERVAL seconds so a lost Redis or killed worker loses nothing."""
    return _every(app.config["SWEEP_INTERVAL"], stop_event, "sweeper", lambda: sweep_once(app))


def start_purger(app, stop_event):
    """Ask every SWEEP_INTERVAL whether the retention purge is due; its own thread, as a big purge takes a while."""
    return _every(app.config["SWEEP_INTERVAL"], stop_event, "retention", lambda: retention.purge_when_due(app))


def start_scheduler(app, stop_event):
    """The queue's scheduler as a thread of this process: it dies with the worker, never orphaned."""
    scheduler = queue.Scheduler(app)
    _every(scheduler.interval, stop_event, "scheduler", scheduler.tick)
    return scheduler


def run_worker(app, concurrency=None, burst=False):
    """Work the delivery queue until stopped (or empty, with burst)."""
    jobs.bind_app(app)
    stop = threading.Event()
    start_heartbeat(app, stop)
    runner = DeliveryRunner(app, process_name(), concurrency)
    previous, scheduler = {}, None
    if not burst:
        sweep_once(app)
        start_sweeper(app, stop)
        start_purger(app, stop)
        scheduler = start_scheduler(app, stop)
        for number in (signal.SIGINT, signal.SIGTERM):
            previous[number] = signal.signal(number, lambda *_: runner.stop())
    log.info("worker %s: %d deliveries in flight at most", runner.jobqueue.worker_name, runner.concurrency)
    try:
        runner.run(burst=burst)
    finally:
        stop.set()
        if scheduler is not None:
            scheduler.release()
        for number, handler in previous.items():
            signal.signal(number, handler)
