"""The delivery worker: RQ inside the app context, with scheduler and sweep."""

import logging
import threading

from rq import SimpleWorker

from app.delivery import jobs
from app.observability.heartbeat import start_heartbeat

log = logging.getLogger(__name__)
SWEEP_LOCK = "formhook:sweep-lock"


def sweep_once(app):
    """Run one sweep unless another worker holds the lock; return the count or None."""
    # short-lived: a worker killed mid-sweep must not keep the others from sweeping for long
    lock = app.redis.lock(SWEEP_LOCK, timeout=max(5, app.config["SWEEP_INTERVAL"] * 3), blocking=False)
    if not lock.acquire():
        return None
    try:
        return jobs.sweep()
    finally:
        try:
            lock.release()
        except Exception:  # the lock expired under a very slow sweep; nothing to release
            log.debug("sweep lock already gone")


def start_sweeper(app, stop_event):
    """Sweep every SWEEP_INTERVAL seconds so a lost Redis or killed worker loses nothing."""

    def loop():
        while not stop_event.wait(app.config["SWEEP_INTERVAL"]):
            try:
                sweep_once(app)
            except Exception:  # keep sweeping through a passing Redis or database outage
                log.exception("sweep failed; trying again next interval")

    thread = threading.Thread(target=loop, name="formhook-sweeper", daemon=True)
    thread.start()
    return thread


def run_worker(app, concurrency=None, burst=False):
    """Work the delivery queue until stopped (or empty, with burst)."""
    jobs.bind_app(app)
    stop = threading.Event()
    start_heartbeat(app, stop)
    if not burst:
        sweep_once(app)
        start_sweeper(app, stop)
    worker = SimpleWorker([app.task_queue], connection=app.redis)
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        stop.set()
