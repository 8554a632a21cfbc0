"""`make run`: migrations, web, worker and scheduler together; Ctrl-C stops all."""

import os
import signal
import subprocess
import sys
import time

from app.core.config import REPO_ROOT
from app.runtime.embedded_redis import forget_server, record_server, start_server

LOCAL_NETWORKS = "127.0.0.0/8,::1/128"


# measured (make bench, B1): 2 threads per process served 2.7x the posts of 8, which fight over the GIL
GUNICORN_SETTINGS = ("--workers", "2", "--threads", "2")
# Idle keep-alive must outlast the load balancer's (60 s on the common ones), or a client that pauses
# sends on a connection the server is closing; gunicorn's own default is 2 s.
DEFAULT_KEEPALIVE = "75"


def _say(message):
    print(f"[formhook] {message}", flush=True)


def _environment(children):
    env = dict(os.environ)
    instance = REPO_ROOT / "instance"
    instance.mkdir(exist_ok=True)
    if not env.get("WEBHOOK_ALLOWED_NETWORKS"):
        env["WEBHOOK_ALLOWED_NETWORKS"] = LOCAL_NETWORKS
        _say(f"WARNING: WEBHOOK_ALLOWED_NETWORKS={LOCAL_NETWORKS} so webhooks can reach receivers on this "
             "machine. Never set this on a public server.")
    if not env.get("REDIS_URL"):
        process, url = start_server(instance / "valkey")
        children.append(("valkey", process))
        record_server(instance, process, url)
        env["REDIS_URL"] = url
        _say(f"embedded Valkey server at {url} (data in instance/valkey)")
    if not env.get("DATABASE_URL"):
        _say(f"SQLite database at {instance / 'formhook.db'}")
    env.setdefault("FLASK_APP", "wsgi")
    env.setdefault("MAIL_URL", "console://")
    return env


def _stop(children, env):
    for _name, process in reversed(children):
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for _name, process in reversed(children):
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    if any(name == "valkey" for name, _ in children):
        forget_server(REPO_ROOT / "instance", env.get("REDIS_URL"))


def gunicorn_command(bin_dir, port, env):
    """The web server's command line, as `make run` starts it."""
    keepalive = env.get("KEEPALIVE") or DEFAULT_KEEPALIVE
    if not keepalive.isdigit() or int(keepalive) < 1:
        raise SystemExit(f"KEEPALIVE must be a whole number of seconds, not {keepalive!r}")
    return [os.path.join(bin_dir, "gunicorn"), "--bind", f"127.0.0.1:{port}", *GUNICORN_SETTINGS,
            "--keep-alive", keepalive,
            "--graceful-timeout", "5", "--access-logfile", "-", "wsgi:app"]


def main():
    children, env = [], {}
    port = os.environ.get("PORT", "5000")
    bin_dir = os.path.dirname(sys.executable)
    # a shell that starts us in the background ignores SIGINT; Ctrl-C must still stop everything
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        env = _environment(children)
        subprocess.run([os.path.join(bin_dir, "flask"), "db", "upgrade"], env=env, cwd=REPO_ROOT, check=True)
        web = subprocess.Popen(gunicorn_command(bin_dir, port, env), env=env, cwd=REPO_ROOT)
        children.append(("web", web))
        worker = subprocess.Popen([os.path.join(bin_dir, "flask"), "worker"], env=env, cwd=REPO_ROOT)
        children.append(("worker", worker))
        _say(f"Formhook is running at http://127.0.0.1:{port}  (web, worker + scheduler; Ctrl-C stops all)")
        while True:
            for name, process in children:
                if process.poll() is not None:
                    _say(f"{name} exited with code {process.returncode}; stopping")
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        _say("stopping")
        return 0
    except subprocess.CalledProcessError as exc:
        _say(f"{exc.cmd[-2:]} failed with code {exc.returncode}")
        return 1
    finally:
        _stop(children, env)


if __name__ == "__main__":
    sys.exit(main())
