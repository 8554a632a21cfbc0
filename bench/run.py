"""`make bench`: every scenario side by side, on SQLite and PostgreSQL, in one table."""

import argparse
import json
import logging
import os
import platform
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from app import create_app
from app.core.config import REPO_ROOT
from app.runtime.embedded_redis import start_server
from bench import big, load, noisy, scenarios, seed
from bench.services import Processes

RESULTS = REPO_ROOT / "bench" / "results"


@dataclass
class Context:
    app: object
    processes: Processes
    receiver_url: str
    web_url: str


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both (comma separated)")
    parser.add_argument("--workers", default="1", help="B2/B3 worker process counts, e.g. 1,2,4")
    parser.add_argument("--only", default="B1,B1p,B1u,B2,B3,B4,B5,B6,B7,B8", help="scenarios to run")
    parser.add_argument("--b2-count", type=int, default=5000)
    parser.add_argument("--b3-count", type=int, default=2000, help="per worker process")
    parser.add_argument("--naive-count", type=int, default=100)
    parser.add_argument("--b7-count", type=int, default=10000, help="B7: workspace A's queued deliveries")
    parser.add_argument("--seconds", type=float, default=8, help="length of B1, B1p, B4 and B5 load")
    parser.add_argument("--rate", type=int, default=200, help="B1p's steady hosted-form POSTs per second")
    parser.add_argument("--big-submissions", default="postgresql=1000000,sqlite=200000",
                        help="B9's submissions per database (db=count,…); its attempts are three times as many")
    parser.add_argument("--big-samples", type=int, default=40, help="B9's requests per page measured")
    parser.add_argument("--short", action="store_true",
                        help="a quick run (a minute or two): 3 s of load, a fifth of B2/B3's deliveries")
    args = parser.parse_args(argv)
    if args.short:
        args.seconds = min(args.seconds, 3)
        args.b2_count, args.b3_count, args.naive_count = args.b2_count // 5, args.b3_count // 5, args.naive_count // 5
        args.b7_count //= 5
    return args


LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
BENCH_DATABASE = "formhook_bench"


def postgres_url():
    """BENCH_POSTGRES_URL, else a database of the bench's own on this machine's PostgreSQL, if one answers."""
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3,
                             autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DATABASE,)).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    except Exception:  # no local PostgreSQL: the run says so and goes on with SQLite
        return None
    return LOCAL_POSTGRES + BENCH_DATABASE


def database_urls(choice, workdir):
    urls = {}
    for name in choice.split(","):
        if name == "sqlite":
            urls["sqlite"] = f"sqlite:///{workdir / 'bench.db'}"
        elif name == "postgresql":
            urls["postgresql"] = postgres_url()
    return urls


def child_environment(database_url, redis_url, workdir, secrets_key):
    """make run's defaults, pointed at this run's database and Redis."""
    env = {key: value for key, value in os.environ.items() if key not in ("WORKER_CONCURRENCY",)}
    env.update({
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "bench-secret",
        # the seeding app and the children must share the key that encrypts webhook URLs at rest
        "SECRETS_KEYS": secrets_key,
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8", "FLASK_APP": "wsgi", "PYTHONPATH": str(REPO_ROOT),
        # the per-form, per-address limit would refuse a load generator on one address after 60 posts
        "PUBLIC_RATE_LIMIT": "10000000/minute",
    })
    return env


def run_database(label, database_url, redis_url, args, workdir):
    secrets_key = Fernet.generate_key().decode()
    env = child_environment(database_url, redis_url, workdir, secrets_key)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
                      "INSTANCE_PATH": str(workdir), "SECRET_KEY": "bench-secret", "SECRETS_KEYS": [secrets_key]})
    seed.reset_schema(app)
    processes = Processes(env)
    rows = []
    try:
        _, receiver_url = processes.receiver()
        _, web_url = processes.gunicorn("wsgi:app")
        ctx = Context(app, processes, receiver_url, web_url)
        workers = [int(number) for number in args.workers.split(",")]
        big_count = int(dict(item.split("=") for item in args.big_submissions.split(","))[label])
        plan = {
            "B1": lambda: scenarios.intake(ctx, args.seconds),
            "B1p": lambda: scenarios.steady_intake(ctx, args.rate, args.seconds),
            "B2": lambda: scenarios.throughput(ctx, args.b2_count, args.naive_count, workers),
            "B3": lambda: scenarios.slow_receivers(ctx, args.b3_count, workers),
            "B4": lambda: scenarios.isolation(ctx, 40, args.seconds),
            "B5": lambda: scenarios.latency(ctx, 50, args.seconds),
            "B6": lambda: scenarios.memory(ctx, 200),
            "B8": lambda: scenarios.shared_caps(ctx, 40, args.seconds),
            "B1u": lambda: scenarios.upload_intake(ctx, args.seconds),
            "B9": lambda: big.big_workspace(ctx, big_count, 3 * big_count, args.big_samples),
            "B7": lambda: noisy.noisy_neighbour(ctx, args.b7_count, 5, args.seconds),
        }
        for key in args.only.split(","):
            started = time.monotonic()
            print(f"[bench] {label}: {key} …", file=sys.stderr, flush=True)
            rows.extend(plan[key]())
            print(f"[bench] {label}: {key} done in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    finally:
        processes.stop_all()
        with app.app_context():
            from app.core.extensions import db

            db.engine.dispose()
    return rows


def format_table(results):
    lines = []
    header = f"{'':4} {'scenario':40} {'figure':>12} {'baseline':>10} {'ratio':>6}  {'goal':14} {'':4} note"
    for label, rows in results.items():
        lines.append(f"\n### {label}\n")
        lines.append(header)
        for item in rows:
            figure = "—" if item["figure"] is None else f"{item['figure']:.1f} {item['unit']}"
            baseline = "" if item["baseline"] is None else f"{item['baseline']:.0f}"
            ratio = "" if item["ratio"] is None else f"{item['ratio']:.2f}"
            verdict = "ok" if item["met"] else "MISS"
            lines.append(f"{item['id']:4} {item['name']:40} {figure:>12} {baseline:>10} {ratio:>6}  "
                         f"{item['goal']:14} {verdict:4} {item['note']}")
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if "B1" in args.only and not load.wrk_available():
        sys.exit("wrk is missing: `make bench` installs Debian's wrk")
    # SIGTERM (a timeout, Ctrl-C from make) unwinds normally so every child process is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    load_before = f"{os.getloadavg()[0]:.1f}"
    started = time.monotonic()
    results = {}
    with tempfile.TemporaryDirectory(prefix="formhook-bench-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_server(workdir / "valkey")
        try:
            for label, url in database_urls(args.db, workdir).items():
                if url is None:
                    print(f"[bench] {label}: skipped — no PostgreSQL on 127.0.0.1:5432; set BENCH_POSTGRES_URL",
                          file=sys.stderr)
                    continue
                results[label] = run_database(label, url, redis_url, args, workdir)
                print(format_table({label: results[label]}), flush=True)
                write_report(args, results, time.monotonic() - started, partial=True)
        finally:
            redis_process.terminate()
            redis_process.wait(10)
    elapsed = time.monotonic() - started
    print("\n## all databases" + format_table(results))
    print(f"\n{os.cpu_count()} CPUs, Python {platform.python_version()}, load average before/after "
          f"{load_before} / {os.getloadavg()[0]:.1f}; whole run {elapsed:.0f} s")
    write_report(args, results, elapsed)


def write_report(args, results, elapsed, partial=False):
    """bench/results/latest.json (and a dated copy once the run is complete)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": os.cpu_count(),
              "load_average": os.getloadavg()[0], "seconds": round(elapsed), "complete": not partial,
              "args": vars(args), "results": results}
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))
    if not partial:
        (RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
