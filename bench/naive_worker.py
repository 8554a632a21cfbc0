"""The naive baseline: RQ's default forking Worker, one child process and HTTP client per job."""

from rq import Queue, Worker

from app import create_app
from app.core import queue
from app.delivery import jobs


def main():
    app = create_app()
    jobs.bind_app(app)
    Worker([Queue(queue.QUEUE_NAME, connection=app.redis)], connection=app.redis).work(
        burst=True, logging_level="WARNING")


if __name__ == "__main__":
    main()
