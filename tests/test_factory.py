"""The app factory reads configuration and starts nothing; `flask worker` brings its own Valkey."""

import os
from pathlib import Path

import pytest
import redis

from app import create_app
from app.core import queue
from app.runtime import embedded_redis
from tests.conftest import _test_config
from tests.test_queue import RAN_KEY


def _servers_serving(data_dir):
    """Pids of Valkey processes whose data lives in data_dir."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # not a process, or one that just ended
            continue
        if str(data_dir).encode() in cmdline:
            pids.append(int(entry.name))
    return pids


@pytest.fixture
def unconfigured(schema, database_url, tmp_path, monkeypatch):
    """Build apps as a fresh machine would: no REDIS_URL anywhere, an instance of their own."""
    monkeypatch.delenv("REDIS_URL", raising=False)

    def build():
        return create_app(_test_config(database_url, None, tmp_path))

    return build


def test_the_factory_starts_no_server_and_leaves_the_environment_alone(unconfigured, tmp_path):
    environment = dict(os.environ)
    app = unconfigured()
    assert dict(os.environ) == environment
    assert app.config["REDIS_URL"] == embedded_redis.DEFAULT_URL and app.config["REDIS_EMBEDDED"]
    assert not (tmp_path / "valkey").exists() and not (tmp_path / embedded_redis.STATE_FILE).exists()
    assert _servers_serving(tmp_path / "valkey") == []


def test_the_factory_uses_the_server_the_instance_recorded(unconfigured, tmp_path):
    process, url = embedded_redis.start_server(tmp_path / "valkey")
    try:
        embedded_redis.record_server(tmp_path, process, url)
        app = unconfigured()
        assert app.config["REDIS_URL"] == url
        assert app.redis.ping()
    finally:
        embedded_redis.stop_server(process)


def test_flask_worker_without_redis_runs_a_server_of_its_own_and_stops_it(unconfigured, tmp_path):
    app = unconfigured()
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "embedded Valkey server at redis://127.0.0.1:" in result.output
    assert (tmp_path / "valkey").is_dir()  # it really ran, with its data under the instance
    assert _servers_serving(tmp_path / "valkey") == []  # and stopped with the worker
    assert not (tmp_path / embedded_redis.STATE_FILE).exists()


def test_flask_worker_without_redis_works_the_queue_make_run_started(unconfigured, tmp_path):
    process, url = embedded_redis.start_server(tmp_path / "valkey")
    try:
        embedded_redis.record_server(tmp_path, process, url)
        app = unconfigured()
        with app.app_context():
            queue.enqueue_job("tests.test_queue.remember", "hello", job_id="generic-hello")
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        connection = redis.Redis.from_url(url)
        assert connection.lrange(RAN_KEY, 0, -1) == [b"('hello',)"]
        assert connection.ping()  # the launcher's server keeps running: it is not the worker's to stop
        assert embedded_redis.recorded_url(tmp_path) == url
    finally:
        embedded_redis.stop_server(process)
