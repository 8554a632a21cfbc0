"""Redis and the RQ queue, bound to the app (microblog's app.task_queue)."""

import redis
from flask import current_app
from rq import Queue

QUEUE_NAME = "deliveries"


def init_app(app):
    """Attach a Redis connection and the delivery queue to app."""
    connection = redis.Redis.from_url(app.config["REDIS_URL"], health_check_interval=30)
    app.redis = connection
    app.task_queue = Queue(QUEUE_NAME, connection=connection)


def get_queue():
    return current_app.task_queue


def job_id_for(delivery_id, attempt_number):
    """Deterministic: one job per attempt of a delivery, never two at once."""
    return f"deliver-{delivery_id}-{attempt_number}"
