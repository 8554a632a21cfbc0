"""The worker's heartbeat: a Redis key per worker process that expires unless refreshed."""

import logging
import os
import socket
import threading
import time

import redis

log = logging.getLogger(__name__)
KEY_PREFIX = "formhook:worker-heartbeat:"
INTERVAL = 10
TTL = 35  # three missed beats and the worker counts as gone


def beat(connection, name):
    connection.set(KEY_PREFIX + name, str(int(time.time())), ex=TTL)


def process_name():
    """This worker process's name in heartbeats and job records: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def start_heartbeat(app, stop_event, interval=INTERVAL):
    """Refresh this process's heartbeat key every interval seconds until stop_event is set."""
    name = process_name()
    # a client of its own: RQ tunes the worker's connection for its blocking pops
    connection = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=5, socket_connect_timeout=5)

    def loop():
        while True:
            try:
                beat(connection, name)
            except Exception:  # Redis is away for a moment; /healthz reports it, the next beat retries
                log.warning("could not write the worker heartbeat")
            if stop_event.wait(interval):
                break
        try:
            connection.delete(KEY_PREFIX + name)
        except Exception:  # the key expires on its own
            log.debug("heartbeat key left to expire")

    thread = threading.Thread(target=loop, name="formhook-heartbeat", daemon=True)
    thread.start()
    return thread


def live_workers(connection):
    """Names of the worker processes whose heartbeat has not expired."""
    return sorted(key.decode()[len(KEY_PREFIX):] for key in connection.scan_iter(KEY_PREFIX + "*", count=100))
