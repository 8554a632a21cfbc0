"""Faults, with nothing lost: a submission burst while the worker is SIGKILLed three times, Redis
restarts once and the database refuses connections for 5 s.

FAULT_BURST sets the burst size (400 by default, as CI runs it); the full run is
`FAULT_BURST=2000 .venv/bin/python -m pytest -q -m slow tests/test_faults.py` (README, Security).
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import create_app
from app.auth.workspaces import create_user
from app.core.config import REPO_ROOT
from app.core.extensions import db
from app.models import Delivery, Submission
from app.runtime.embedded_redis import start_server
from tests.conftest import _empty_tables, _test_config, make_form, make_webhook
from tests.figures import report
from tests.receiver import Receiver
from tests.tcp_proxy import TcpProxy

BURST = int(os.environ.get("FAULT_BURST", "400"))
OUTAGE_SECONDS = 5.0
REDIS_DOWN_POSTS = 20
FIELDS = [{"key": "email", "label": "Email", "type": "email", "required": True}]
pytestmark = pytest.mark.slow


class Worker:
    """`flask worker` as a separate process group that the test can SIGKILL and restart."""

    def __init__(self, env, log_path):
        self.env, self.log_path, self.process, self.starts = env, log_path, None, 0

    def start(self):
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=REPO_ROOT, env=self.env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.starts += 1

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def keep_running(self):
        """Restart a worker that died by itself (as a process supervisor would)."""
        if self.process.poll() is not None:
            self.start()


class Valkey:
    """A throwaway Valkey server (persistence on) that can be restarted on the same port."""

    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.process, self.url = start_server(data_dir)
        self.port = make_url(self.url).port

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def start_again(self):
        for _ in range(50):
            try:
                self.process, _ = start_server(self.data_dir, port=self.port)
                return
            except (OSError, RuntimeError):  # the port is not free again yet
                time.sleep(0.1)
        raise AssertionError("Valkey did not come back on its port")


class PostgresOutage:
    """The web app reaches PostgreSQL through a TCP proxy that refuses connections while down."""

    def __init__(self, database_url, tmp_path):
        url = make_url(database_url)
        self.direct_url = database_url
        self.proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).up()
        self.web_url = url.set(host="127.0.0.1", port=self.proxy.port).render_as_string(hide_password=False)
        self.engine_options = {"pool_pre_ping": True}

    def down(self):
        self.proxy.down()

    def up(self):
        self.proxy.up()


class SqliteOutage:
    """The database file's folder is moved away: opening the file fails until it is moved back."""

    def __init__(self, database_url, tmp_path):
        self.live, self.away = tmp_path / "live", tmp_path / "away"
        self.live.mkdir()
        # mode=rw: a missing file is an error, not a new empty database
        self.direct_url = self.web_url = f"sqlite:///file:{self.live / 'faults.db'}?mode=rw&uri=true"
        sqlite3.connect(self.live / "faults.db").close()
        self.engine_options = {"poolclass": NullPool}  # a fresh open per request, like a new connection

    def down(self):
        self.live.rename(self.away)

    def up(self):
        self.away.rename(self.live)


@pytest.fixture
def fault_rig(schema, database_url, session_dir, tmp_path):
    """Receiver, throwaway Valkey, database with an outage switch, the web app and a worker."""
    receiver = Receiver().start()
    valkey = Valkey(tmp_path / "valkey")
    outage_class = PostgresOutage if database_url.startswith("postgresql") else SqliteOutage
    outage = outage_class(database_url, tmp_path)
    secrets_key = Fernet.generate_key().decode()
    app = create_app(_test_config(
        outage.web_url, valkey.url, session_dir, PUBLIC_RATE_LIMIT="100000/minute", SECRETS_KEYS=[secrets_key],
        SQLALCHEMY_ENGINE_OPTIONS=outage.engine_options,
    ))
    with app.app_context():
        db.create_all()
        _empty_tables()
        db.session.remove()
    env = {
        **os.environ, "DATABASE_URL": outage.direct_url, "REDIS_URL": valkey.url, "SECRETS_KEYS": secrets_key,
        "SECRET_KEY": "test-secret", "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8", "WEBHOOK_TIMEOUT": "1",
        "WEBHOOK_RETRY_SCHEDULE": "1,1,1,2,2,2,5,5,5,5,5,5", "SWEEP_INTERVAL": "1",
    }
    worker = Worker(env, tmp_path / "worker.log")
    worker.start()
    yield app, receiver, valkey, outage, worker
    if worker.process.poll() is None:
        worker.kill()
    with app.app_context():
        _empty_tables()
        db.engine.dispose()
    valkey.stop()
    receiver.stop()


def _post(client, public_id, number):
    return client.post(f"/f/{public_id}", json={"email": f"lead{number}@example.com"})


def _delivered_submission_ids(requests):
    """Submission ids of the complete requests (a worker SIGKILLed mid-send leaves a cut-off body)."""
    delivered = set()
    for received in requests:
        try:
            delivered.add(json.loads(received.body)["data"]["submission"]["id"])
        except ValueError:
            continue
    return delivered


def _stored_counts(app):
    with app.app_context():
        submissions = db.session.scalar(select(func.count()).select_from(Submission))
        deliveries = db.session.scalar(select(func.count()).select_from(Delivery))
        open_deliveries = db.session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status.in_(("pending", "retrying")))
        )
        db.session.remove()
        return submissions, deliveries, open_deliveries


def test_burst_survives_worker_kills_redis_restart_and_database_outage(fault_rig):
    app, receiver, valkey, outage, worker = fault_rig
    with app.app_context():
        _, workspace = create_user("faults@example.com", "a long passphrase")
        db.session.commit()
        workspace_id = workspace.id
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    make_webhook(app, form_id, f"{receiver.url}/hook")
    client = app.test_client()

    accepted, refused, statuses, kills = {}, [], {}, 0
    faults = {int(BURST * 0.15): "kill", int(BURST * 0.3): "redis", int(BURST * 0.45): "kill",
              int(BURST * 0.6): "database", int(BURST * 0.75): "kill"}
    for number in range(BURST):
        fault = faults.get(number)
        if fault == "kill":
            worker.kill()
            kills += 1
            worker.start()
        elif fault == "redis":
            valkey.stop()
            for extra in range(REDIS_DOWN_POSTS):  # posts while Redis is down are stored; the sweep sends them
                response = _post(client, public_id, f"redis-down{extra}")
                assert response.status_code == 201, response.get_data(as_text=True)[:300]
                accepted[response.get_json()["submission_id"]] = f"redis-down{extra}"
            valkey.start_again()
        elif fault == "database":
            outage.down()
            started = time.monotonic()
            while time.monotonic() - started < OUTAGE_SECONDS:
                response = _post(client, public_id, f"outage{len(refused)}")
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                assert response.status_code == 503, response.get_data(as_text=True)[:300]
                assert response.headers["Retry-After"]
                refused.append(f"outage{len(refused)}")
                time.sleep(0.05)
            outage.up()
            for retried in refused:  # a client retries after Retry-After
                response = _post(client, public_id, retried)
                assert response.status_code == 201
                accepted[response.get_json()["submission_id"]] = retried
        response = _post(client, public_id, number)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code == 201, response.get_data(as_text=True)[:300]
        accepted[response.get_json()["submission_id"]] = number
        worker.keep_running()

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        worker.keep_running()
        delivered = _delivered_submission_ids(list(receiver.requests))
        if set(accepted) <= delivered and _stored_counts(app)[2] == 0:
            break
        time.sleep(0.5)

    requests = list(receiver.requests)
    delivered = _delivered_submission_ids(requests)
    unique_messages = {r.headers["webhook-id"] for r in requests}
    submissions, deliveries, open_deliveries = _stored_counts(app)
    report(
        f"faults (burst {BURST}, {kills} worker SIGKILLs, 1 Redis restart, {OUTAGE_SECONDS:.0f} s database outage, "
        f"{type(outage).__name__}): accepted {len(accepted)}, delivered {len(delivered & set(accepted))}, "
        f"duplicates {len(requests) - len(unique_messages)}, 503s {len(refused)}, other statuses "
        f"{ {code: n for code, n in statuses.items() if code not in (201, 503)} }, worker starts {worker.starts}"
    )
    assert kills == 3 and len(refused) > 0
    assert set(statuses) <= {201, 503}
    assert submissions == len(accepted) == deliveries, "a submission was lost, half-stored or stored twice"
    assert set(accepted) - delivered == set(), "accepted submissions were never delivered"
    assert open_deliveries == 0
