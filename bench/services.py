"""The processes a bench run needs: Redis, receiver, gunicorn, workers; and their memory."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.core.config import REPO_ROOT
from app.runtime.launcher import GUNICORN_SETTINGS  # the same settings as `make run`

BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


class Processes:
    """Start child processes and stop every one of them at the end."""

    def __init__(self, env):
        self.env = env
        self.children = []

    def start(self, args, **kwargs):
        process = subprocess.Popen(
            args, env=kwargs.pop("env", self.env), cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL, stderr=kwargs.pop("stderr", subprocess.DEVNULL),
            start_new_session=True, **kwargs,
        )
        self.children.append(process)
        return process

    def run(self, args):
        """Run args to completion with the children's environment (a setup step)."""
        subprocess.run(args, env=self.env, cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL)

    def stop(self, process, sig=signal.SIGTERM, timeout=20):
        """Stop process and its group (gunicorn workers, the RQ scheduler)."""
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
            except ProcessLookupError:
                pass
        if process in self.children:
            self.children.remove(process)

    def kill(self, process):
        self.stop(process, signal.SIGKILL, timeout=5)

    def stop_all(self):
        for process in list(reversed(self.children)):
            self.kill(process)

    def receiver(self):
        port = free_port()
        process = self.start([sys.executable, "-m", "bench.receiver", "--port", str(port)])
        url = f"http://127.0.0.1:{port}"
        wait_for_http(url + "/stats")
        return process, url

    def gunicorn(self, app_path, env=None):
        port = free_port()
        process = self.start(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", *GUNICORN_SETTINGS, app_path], env=env or self.env
        )
        url = f"http://127.0.0.1:{port}"
        wait_for_http(url + "/")
        return process, url

    def workers(self, count, extra_env=None, args=()):
        """count real `flask worker` processes (under py-spy when BENCH_PROFILE_DIR is set)."""
        env = {**self.env, **(extra_env or {})}
        command = [str(BIN / "flask"), "--app", "wsgi", "worker", *args]
        started = []
        for _ in range(count):
            profile_dir = os.environ.get("BENCH_PROFILE_DIR")
            if profile_dir:
                output = Path(profile_dir) / f"worker-{time.strftime('%H%M%S')}-{len(started)}.txt"
                command = [str(BIN / "py-spy"), "record", "--nonblocking", "-r", "100", "-f", "raw",
                           "-o", str(output), "--", *command]
            started.append(self.start(command, env=env))
        return started


def tree_rss_bytes(pid):
    """Resident memory of pid and all its descendants."""
    total = 0
    for child in [pid, *_descendants(pid)]:
        try:
            with open(f"/proc/{child}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def _descendants(pid):
    found = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in map(int, children):
        found.append(child)
        found.extend(_descendants(child))
    return found
