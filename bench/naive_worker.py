"""The naive baseline: RQ's default forking Worker, one child process and HTTP client per job."""

from rq import Queue, Worker

from app import create_app
from app.delivery import jobs


def main():
    app = create_app()
    jobs.bind_app(app)
    # every queue RQ knows: each workspace's deliveries wait in a queue of its own (queued before this starts)
    Worker(Queue.all(connection=app.redis), connection=app.redis).work(
        burst=True, logging_level="WARNING")


if __name__ == "__main__":
    main()
