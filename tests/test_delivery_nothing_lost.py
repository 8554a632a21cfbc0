"""Nothing lost: a flushed Redis and a worker killed mid-send still end with every submission delivered."""

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from app.core import queue
from app.core.config import REPO_ROOT
from app.core.extensions import db
from app.delivery.outbox import job_id_for
from app.models import Delivery
from tests.conftest import make_form, make_webhook
from tests.receiver import Reply

SUBMISSIONS = 500
FLUSH_AT, KILL_AT = 150, 300
HANG_SECONDS = 3.0


def start_worker(database_url, redis_url, log_path, **settings):
    """A real `flask --app wsgi worker` process on the test database and Redis; settings override the env."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "test-secret",
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8", "WEBHOOK_RETRY_SCHEDULE": "0,0,0",
        "WEBHOOK_TIMEOUT": "2", "SWEEP_INTERVAL": "1", **settings,
    }
    log = open(log_path, "ab")  # noqa: SIM115 - the worker owns it until it exits
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: RQ's scheduler child goes down with it
    )


def kill_mid_send(worker, receiver):
    """SIGKILL the worker while the receiver holds one of its requests open."""
    receiver.reply(Reply(delay=HANG_SECONDS))
    deadline = time.monotonic() + 20
    while receiver.replies and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not receiver.replies, "the worker never sent the request meant to hang"
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its scheduler, as a killed container would
    worker.wait(10)


def wait_until_all_delivered(app, receiver, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            open_count = db.session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status != "succeeded")
            )
            db.session.remove()
        received = {request.headers["webhook-id"] for request in list(receiver.requests)}
        if open_count == 0 and len(received) >= SUBMISSIONS:
            return
        time.sleep(0.25)
    with app.app_context():
        stuck = [(delivery.id, delivery.status, delivery.attempt_count, delivery.next_attempt_at,
                  queue.states([job_id_for(delivery.id, delivery.attempt_count + 1)])[0])
                 for delivery in db.session.scalars(select(Delivery).where(Delivery.status != "succeeded"))]
        db.session.remove()
    raise AssertionError(f"{open_count} deliveries not succeeded, {len(received)} distinct ids received: {stuck}")


@pytest.mark.slow
@pytest.mark.app_config(PUBLIC_RATE_LIMIT="100000/minute")
def test_flushed_redis_and_killed_worker_lose_nothing(
    app, client, accounts, receiver, database_url, redis_url, tmp_path
):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    make_webhook(app, form_id, f"{receiver.url}/hook")
    log_path = tmp_path / "worker.log"
    worker = start_worker(database_url, redis_url, log_path)
    started = time.monotonic()
    try:
        for number in range(SUBMISSIONS):
            response = client.post(f"/f/{public_id}", json={"name": f"n{number}", "email": f"u{number}@example.com"})
            assert response.status_code == 201, response.get_data(as_text=True)
            if number == FLUSH_AT:
                # our own embedded server may lose everything; a shared one only our database
                app.redis.flushall() if not os.environ.get("REDIS_URL") else app.redis.flushdb()
            if number == KILL_AT:
                kill_mid_send(worker, receiver)
                worker = start_worker(database_url, redis_url, log_path)
        posted = time.monotonic() - started
        wait_until_all_delivered(app, receiver)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)

    with app.app_context():
        delivery_ids = set(db.session.scalars(select(Delivery.id)).all())
    received_ids = [request.headers["webhook-id"] for request in receiver.requests]
    duplicates = len(received_ids) - len(set(received_ids))
    print(f"\nnothing-lost: submissions={SUBMISSIONS} delivered={len(set(received_ids))} "
          f"requests={len(received_ids)} duplicates={duplicates} "
          f"(posted in {posted:.1f} s, all delivered after {time.monotonic() - started:.1f} s)")
    assert len(delivery_ids) == SUBMISSIONS
    assert set(received_ids) == delivery_ids
