"""`make run`'s web server keeps an idle connection open for KEEPALIVE seconds, not gunicorn's 2."""

import http.client
import os
import socket
import subprocess
import sys
import time

import pytest

from app.core.config import REPO_ROOT
from app.runtime.launcher import DEFAULT_KEEPALIVE, gunicorn_command

KEEPALIVE = 4  # short for the test; the default is 75 s


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def web_server(tmp_path_factory, redis_url):
    port = _free_port()
    database = tmp_path_factory.mktemp("keepalive") / "keepalive.db"
    env = {**os.environ, "KEEPALIVE": str(KEEPALIVE), "REDIS_URL": redis_url,
           "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "keepalive-test"}
    process = subprocess.Popen(gunicorn_command(os.path.dirname(sys.executable), port, env), env=env,
                               cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # both workers booted: each answers a plain request
        try:
            for _ in range(4):
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                probe.request("GET", "/static/form.js", headers={"Connection": "close"})
                probe.getresponse().read()
                probe.close()
            break
        except OSError:
            time.sleep(0.3)
    yield port
    process.terminate()
    process.wait(10)


def _get_twice(port, pause):
    """Two requests on one connection with a pause between; whether the second found it open."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.connect()
    connection.auto_open = 0  # never reconnect behind our back
    connection.request("GET", "/static/form.js")
    first = connection.getresponse()
    first.read()
    assert first.status == 200
    time.sleep(pause)
    try:
        connection.request("GET", "/static/form.js")
        second = connection.getresponse()
        second.read()
        return second.status
    except (http.client.RemoteDisconnected, http.client.NotConnected, ConnectionError):
        return None
    finally:
        connection.close()


def test_a_pause_just_under_the_keepalive_finds_the_connection_open(web_server):
    assert _get_twice(web_server, KEEPALIVE - 1.5) == 200


def test_a_pause_past_the_keepalive_finds_it_closed(web_server):
    # the control: without it the test above could pass on a server that never closes at all
    assert _get_twice(web_server, KEEPALIVE + 2.5) is None


def test_the_default_outlasts_common_balancers_idle_timeout():
    command = gunicorn_command("/bin", 5000, {})
    assert command[command.index("--keep-alive") + 1] == DEFAULT_KEEPALIVE
    assert int(DEFAULT_KEEPALIVE) > 60


def test_a_keepalive_that_is_not_a_number_is_refused():
    with pytest.raises(SystemExit, match="KEEPALIVE must be a whole number"):
        gunicorn_command("/bin", 5000, {"KEEPALIVE": "soon"})
