"""Listen: a webhook's deliveries pulled by the client (static/listen.py) and forwarded to a local receiver.

The app serves over real HTTP, a real worker process sends, the client runs in a bare venv on the
machine's python3, and the receiver listens on 127.0.0.2, which the worker may not reach: only the
client, as on a developer's laptop, connects to it.
"""

import os
import re
import shutil
import signal
import subprocess
import threading
import time

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook as StandardWebhook

from app.core.config import REPO_ROOT
from app.core.extensions import db
from app.delivery import listen_sessions
from app.models import Delivery, Webhook
from tests.conftest import make_form, make_webhook
from tests.figures import report
from tests.receiver import Receiver, Reply
from tests.test_delivery_nothing_lost import start_worker

CLIENT = REPO_ROOT / "static" / "listen.py"
# the worker may reach 127.0.0.1 (the app itself) but not 127.0.0.2, where the receiver is
WORKER_SETTINGS = {"WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32", "WEBHOOK_RETRY_SCHEDULE": ",".join(["1"] * 40),
                   "WEBHOOK_TIMEOUT": "3"}
LINE = re.compile(r"^\d\d:\d\d:\d\d  (msg_\w+)  POST /hook\?campaign_name=Event%20A  \u2192 (\d+) in \d+ ms$")


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory):
    """The python of a venv made by the machine's python3 without any package (not even pip)."""
    system_python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
    venv = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([system_python, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    listed = subprocess.run([str(python), "-c", "import pkgutil; print([m.name for m in pkgutil.iter_modules()"
                             " if 'site-packages' in str(m.module_finder)])"], capture_output=True, text=True)
    assert listed.stdout.strip() == "[]", listed.stdout
    return python


@pytest.fixture
def local_receiver():
    server = Receiver(host="127.0.0.2").start()
    yield server
    server.stop()


@pytest.fixture
def worker(database_url, redis_url, tmp_path):
    process = start_worker(database_url, redis_url, tmp_path / "worker.log", **WORKER_SETTINGS)
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(20)


class Client:
    """The listen client as a subprocess; its printed lines are collected as they come."""

    def __init__(self, python, base_url, key, webhook_id, forward_to, which="--webhook"):
        self.process = subprocess.Popen(
            [str(python), str(CLIENT), "--url", base_url, "--key", key, which, webhook_id,
             "--forward-to", forward_to],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            env={"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8"},
        )
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def interrupt(self):
        """Ctrl-C: the client ends its session and exits."""
        self.process.send_signal(signal.SIGINT)
        assert self.process.wait(30) == 0  # its DELETE may wait on a busy server for up to 5 s, then exit

    def kill(self):
        self.process.kill()
        self.process.wait(10)


def wait_until(condition, timeout=30, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def connected(app, webhook_id):
    route = listen_sessions.session_of_webhook(app.redis, webhook_id)
    return route is not None and route[1]


def setup_webhook(app, accounts, receiver_url):
    """A form whose webhook URL is the receiver itself, with the seed's templated query."""
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    url = receiver_url + "/webhook?campaign_name={{ campaign_name }}"
    webhook_id = make_webhook(app, form_id, url)
    with app.app_context():
        secret = db.session.get(Webhook, webhook_id).secret
    return public_id, webhook_id, secret, accounts.api_key(workspace_id)


def submit(client, public_id, name="Ada"):
    response = client.post(f"/f/{public_id}?campaign_name=Event%20A", json={
        "name": name, "email": "ada@example.com", "campaign_name": "Event A",
    })
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["submission_id"]


def deliveries(app):
    with app.app_context():
        rows = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
        result = [(row.id, row.status, [attempt.to_dict() for attempt in row.attempts]) for row in rows]
        db.session.remove()
    return result


def test_a_delivery_reaches_the_local_receiver_exactly_as_sent_and_its_answer_is_logged(
    app, client, accounts, live_server, worker, local_receiver, bare_python,
):
    public_id, webhook_id, secret, key = setup_webhook(app, accounts, local_receiver.url)
    local_receiver.reply(Reply(status=201, body=b'{"lead": "created on my laptop"}'))
    listener = Client(bare_python, live_server, key, webhook_id, local_receiver.url + "/hook")
    try:
        wait_until(lambda: connected(app, webhook_id), what="the client to connect")
        started = time.monotonic()
        submit(client, public_id)
        received = local_receiver.wait_for(1, timeout=30)[0]
        elapsed_ms = (time.monotonic() - started) * 1000
        report(f"listen: submission to the local receiver through the client in {elapsed_ms:.0f} ms")
        wait_until(lambda: any(LINE.match(line) for line in listener.lines), what="the client's line")
        # the client prints its line, then hands the answer back: it stays up until the attempt is recorded
        [(delivery_id, status, attempts)] = wait_until(
            lambda: [d for d in deliveries(app) if d[1] == "succeeded"], what="the delivery to be recorded")
    finally:
        listener.kill()

    assert received.method == "POST" and received.path == "/hook"
    assert received.raw_query == "campaign_name=Event%20A"
    assert received.headers["webhook-id"] == delivery_id
    StandardWebhook(secret).verify(received.body, received.headers)  # raises unless body and signature match
    assert attempts[0]["request"]["body"] == received.body.decode()
    assert attempts[0]["request"]["via"] == "listen"
    assert attempts[0]["request"]["url"] == local_receiver.url + "/webhook?campaign_name=Event%20A"
    assert attempts[0]["response"]["status"] == 201
    assert attempts[0]["response"]["body"] == '{"lead": "created on my laptop"}'
    assert len(local_receiver.requests) == 1, "only the client reached the receiver, never the worker"
    line = next(line for line in listener.lines if LINE.match(line))
    assert LINE.match(line).groups() == (delivery_id, "201")

    api = client.get(f"/api/v1/deliveries/{delivery_id}", headers={"Authorization": f"Bearer {key}"}).get_json()
    assert api["status"] == "succeeded" and api["attempts"][0]["response"]["status"] == 201


def test_deliveries_wait_while_the_client_is_gone_and_none_is_lost(
    app, client, accounts, live_server, worker, local_receiver, bare_python,
):
    public_id, webhook_id, _, key = setup_webhook(app, accounts, local_receiver.url)
    listener = Client(bare_python, live_server, key, webhook_id, local_receiver.url + "/hook")
    wait_until(lambda: connected(app, webhook_id), what="the client to connect")
    round_trips = []
    for number in range(3):  # one at a time: the first also waits for the worker to start
        started = time.monotonic()
        submit(client, public_id, f"before {number}")
        local_receiver.wait_for(number + 1, timeout=30)
        round_trips.append((time.monotonic() - started) * 1000)
    report(f"listen: submission to the local receiver through the client, worker warm: "
           f"{round_trips[1]:.0f} ms and {round_trips[2]:.0f} ms")

    local_receiver.reply(Reply(delay=2.0))  # the next delivery is held open: the client dies mid-stream
    submit(client, public_id, "held")
    wait_until(lambda: not local_receiver.replies, what="the held delivery to reach the receiver")
    listener.kill()
    submitted = [submit(client, public_id, f"while gone {number}") for number in range(4)]
    wait_until(lambda: any(d[1] == "retrying" for d in deliveries(app)), what="a delivery waiting for a retry")
    wait_until(lambda: len(local_receiver.requests) >= 4, what="the held request to be recorded")
    assert len(local_receiver.requests) == 4, "nothing reached the receiver while no client ran"

    reconnected = time.monotonic()
    listener = Client(bare_python, live_server, key, webhook_id, local_receiver.url + "/hook")
    try:
        rows = wait_until(lambda: (rows := deliveries(app)) and all(d[1] == "succeeded" for d in rows) and rows,
                          timeout=90, what="every delivery to succeed")
    finally:
        listener.kill()
    assert len(rows) == 8 and len(submitted) == 4
    report(f"listen: client killed mid-stream, 5 deliveries waited; all 8 delivered "
           f"{time.monotonic() - reconnected:.1f} s after it restarted, "
           f"{len(local_receiver.requests)} requests received for 8 webhook-ids")
    received_ids = {request.headers["webhook-id"] for request in local_receiver.requests}
    assert received_ids == {delivery_id for delivery_id, _, _ in rows}, "every delivery reached the receiver"
    failed_first = [attempts for _, _, attempts in rows if len(attempts) > 1]
    assert failed_first and all(attempts[0]["error"] for attempts in failed_first)


def test_a_forms_local_webhook_sends_only_to_the_client(
    app, client, accounts, live_server, worker, receiver, bare_python,
):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    key = accounts.api_key(workspace_id)
    # on 127.0.0.1, which the worker may reach: only the client's session ever sends there all the same
    local_url = receiver.url + "/hook?campaign_name={{ campaign_name }}"
    listener = Client(bare_python, live_server, key, form_id, local_url, which="--form")
    try:
        webhook_id = wait_until(lambda: local_webhook_id(app, form_id), what="the local webhook")
        wait_until(lambda: connected(app, webhook_id), what="the client to connect")
        submit(client, public_id)
        received = receiver.wait_for(1, timeout=30)[0]
    finally:
        listener.interrupt()
    with app.app_context():
        secret = db.session.get(Webhook, webhook_id).secret
    assert received.path == "/hook" and received.raw_query == "campaign_name=Event%20A"
    StandardWebhook(secret).verify(received.body, received.headers)
    assert listen_sessions.session_of_webhook(app.redis, webhook_id) is None, "Ctrl-C ended the session"

    submit(client, public_id, "after the client stopped")
    later = wait_until(lambda: [d for d in deliveries(app) if d[2] and d[1] != "succeeded"], what="an attempt")
    assert later[0][2][0]["error"] == "no listen client is connected"
    assert len(receiver.requests) == 1, "the worker never connects to a local webhook's URL"


def local_webhook_id(app, form_id):
    with app.app_context():
        webhook_id = db.session.scalar(select(Webhook.id).where(Webhook.form_id == form_id, Webhook.listen_only))
        db.session.remove()
    return webhook_id


def test_the_client_is_python_39_and_imports_only_the_standard_library():
    import ast
    import sys

    tree = ast.parse(CLIENT.read_text(), feature_version=(3, 9))  # 3.10+ grammar (match, parenthesised with) fails here
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported and imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)
