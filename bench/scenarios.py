"""B1–B6: each scenario returns its rows for the table."""

import sys
import threading
import time

import httpx

from bench import load, seed
from bench.services import tree_rss_bytes

WEBHOOKS = 50  # tenants, each with one form and one webhook


def row(key, name, figure, unit, goal, met, baseline=None, ratio=None, note=""):
    return {"id": key, "name": name, "figure": round(figure, 3) if figure is not None else None, "unit": unit,
            "baseline": round(baseline, 3) if baseline is not None else None,
            "ratio": round(ratio, 3) if ratio is not None else None, "goal": goal, "met": met, "note": note}


def receiver_stats(ctx):
    return httpx.get(ctx.receiver_url + "/stats", timeout=10).json()


def reset_receiver(ctx):
    httpx.post(ctx.receiver_url + "/reset", timeout=10)


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def wait_received(ctx, name, count, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entry = receiver_stats(ctx).get(name)
        if entry and entry["count"] >= count:
            return entry
        time.sleep(0.1)
    return receiver_stats(ctx).get(name) or {"count": 0, "latencies": [], "first": None, "last": None}


# the same-job baselines B1 is read against: (row id, name, gunicorn app, module creating its tables)
BASELINES = (
    ("B1b", "bare Flask: read the form, answer", "bench.bare_app:app", None),
    ("B1l", "same job, libraries used plainly", "bench.library_app:app", "bench.library_app"),
    ("B1f", "same job, hand-written", "bench.floor_app:app", "bench.floor_app"),
)


ROUNDS = 3  # B1 and its baselines take turns, so a change in the machine's load hits them all alike


def _interleaved_rates(urls, seconds):
    """{name: (median POSTs/s over the rounds, non-2xx)} of urls, measured in turns."""
    for url in urls.values():
        load.run_wrk(url, 1)
    slice_seconds = max(1, round(seconds / ROUNDS))
    rates, bad = {name: [] for name in urls}, dict.fromkeys(urls, 0)
    for _ in range(ROUNDS):
        for name, url in urls.items():
            rate, refused = load.run_wrk(url, slice_seconds)
            rates[name].append(rate)
            bad[name] += refused
    return {name: (sorted(values)[len(values) // 2], bad[name]) for name, values in rates.items()}


def intake(ctx, seconds):
    """B1: hosted-form POSTs/s under gunicorn beside bare Flask and the same job plain (B1l) and by hand (B1f)."""
    seed.empty(ctx.app)
    (public_id,) = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b1"])
    path = f"/f/{public_id}"
    urls, started = {}, []
    try:
        for key, _name, app_path, tables_module in BASELINES:
            if tables_module:
                ctx.processes.run([sys.executable, "-m", tables_module])
            process, url = ctx.processes.gunicorn(app_path)
            started.append(process)
            urls[key] = f"{url}{path}"
        urls["B1"] = f"{ctx.web_url}{path}"
        stored_before = seed.count_deliveries(ctx.app, "pending")
        measured = _interleaved_rates(urls, seconds)
        stored = seed.count_deliveries(ctx.app, "pending") - stored_before
    finally:
        for process in started:
            ctx.processes.kill(process)
    rows = []
    for key, name, _app_path, _tables in BASELINES:
        rate, bad = measured[key]
        rows.append(row(key, f"  {name}", rate, "req/s", "(baseline)", bad == 0,
                        note=f"{bad} non-2xx" if bad else ""))
    rate, bad = measured["B1"]
    bare, library, floor = (measured[key][0] for key in ("B1b", "B1l", "B1f"))
    note = (f"bare Flask {bare:.0f}/s ({rate / bare:.2f}×); {stored} submissions stored+queued"
            + (f"; {bad} non-2xx" if bad else "") + f"; median of {ROUNDS} turns")
    rows.append(row("B1", "intake: hosted-form POST vs B1l", rate, "req/s", "ratio >= 1.00",
                    bad == 0 and rate >= library, baseline=library, ratio=rate / library, note=note))
    rows.append(row("B1", "intake: hosted-form POST vs B1f", rate, "req/s", "ratio >= 0.40",
                    bad == 0 and rate >= 0.40 * floor, baseline=floor, ratio=rate / floor))
    return rows


def steady_intake(ctx, rate, seconds):
    """B1p: hosted-form POSTs at a steady rate (open loop); p50 and p99 of the answer time."""
    seed.empty(ctx.app)
    (public_id,) = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b1p"])
    url = f"{ctx.web_url}/f/{public_id}"
    load.steady_posts(url, rate, 1)
    answers = load.steady_posts(url, rate, seconds)
    latencies = [latency for status, latency in answers if status < 400]
    failed = len(answers) - len(latencies)
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    note = f"{len(answers)} posts at {rate}/s for {seconds:g} s, open loop" + (f"; {failed} failed" if failed else "")
    return [
        row("B1p", f"intake p50 at {rate}/s", p50 and p50 * 1000, "ms", "(reference)", failed == 0, note=note),
        row("B1p", f"intake p99 at {rate}/s", p99 and p99 * 1000, "ms", "<= 50 ms",
            failed == 0 and p99 is not None and p99 <= 0.050),
    ]


def _deliver_queued(ctx, name, count, url_suffix="", workers=1, timeout=180, worker_args=()):
    """Queue count deliveries to receiver path name, run workers; return deliveries/s."""
    seed.empty(ctx.app)
    seed.make_forms(ctx.app, [f"{ctx.receiver_url}/{name}{url_suffix}"] * WEBHOOKS)
    seed.queue_deliveries(ctx.app, count)
    reset_receiver(ctx)
    processes = ctx.processes.workers(workers, args=worker_args)
    try:
        done = seed.wait_for_deliveries(ctx.app, "succeeded", count, timeout)
    finally:
        for process in processes:
            ctx.processes.kill(process)
    first = receiver_stats(ctx).get(name, {}).get("first")
    if done is None or first is None:
        return None
    return count / (done - first)


def throughput(ctx, count, naive_count, workers):
    """B2: queued deliveries to a fast receiver vs a plain keep-alive httpx loop; plus RQ's forking Worker."""
    baseline = load.httpx_loop(f"{ctx.receiver_url}/baseline", count)
    rows = []
    for number in workers:
        rate = _deliver_queued(ctx, "b2", count, workers=number)
        met = rate is not None and rate / baseline >= 0.50
        rows.append(row("B2" if number == 1 else f"B2x{number}", f"delivery throughput, {number} worker(s)",
                        rate, "deliv/s", "ratio >= 0.50", met, baseline=baseline,
                        ratio=rate / baseline if rate else None, note=f"{count} deliveries, {WEBHOOKS} webhooks"))
    naive = _run_naive(ctx, naive_count)
    rows.append(row("B2n", "  naive: RQ forking Worker", naive, "deliv/s", "(reference)", True, baseline=baseline,
                    ratio=naive / baseline if naive else None, note=f"{naive_count} deliveries"))
    return rows


def _run_naive(ctx, count):
    seed.empty(ctx.app)
    seed.make_forms(ctx.app, [f"{ctx.receiver_url}/naive"] * 5)
    seed.queue_deliveries(ctx.app, count)
    reset_receiver(ctx)
    process = ctx.processes.start([sys.executable, "-m", "bench.naive_worker"])
    try:
        done = seed.wait_for_deliveries(ctx.app, "succeeded", count, 120)
    finally:
        ctx.processes.kill(process)
    first = receiver_stats(ctx).get("naive", {}).get("first")
    return count / (done - first) if done and first else None


def slow_receivers(ctx, count, workers):
    """B3: every response takes 200 ms; deliveries/s with make run's defaults."""
    rows = []
    for number in workers:
        rate = _deliver_queued(ctx, "b3", count * number, "?delay_ms=200", workers=number)
        rows.append(row("B3" if number == 1 else f"B3x{number}", f"slow receivers (200 ms), {number} worker(s)",
                        rate, "deliv/s", ">= 250/s", rate is not None and rate >= 250,
                        note=f"{count * number} deliveries, {WEBHOOKS} webhooks"))
    return rows


def _start_worker_and_warm(ctx, name, public_id, args=()):
    (process,) = ctx.processes.workers(1, args=args)
    load.paced_posts([f"{ctx.web_url}/f/{public_id}"], 10, 0.1)
    wait_received(ctx, name, 1, 30)
    reset_receiver(ctx)
    return process


def isolation(ctx, rate, seconds):
    """B4: half the webhooks hang until the timeout; p99 latency of the healthy half."""
    seed.empty(ctx.app)
    healthy = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b4ok"] * 6)
    hanging = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b4hang?delay_ms=-1"] * 6)
    reset_receiver(ctx)
    worker = _start_worker_and_warm(ctx, "b4ok", healthy[0])
    try:
        urls = [f"{ctx.web_url}/f/{public_id}" for pair in zip(healthy, hanging, strict=True) for public_id in pair]
        statuses = load.paced_posts(urls, rate, seconds)
        expected = sum(1 for number in range(len(statuses)) if number % 2 == 0)
        entry = wait_received(ctx, "b4ok", expected, 30)
    finally:
        ctx.processes.kill(worker)
    p99 = percentile(entry["latencies"], 0.99)
    met = p99 is not None and p99 <= 1.0 and entry["count"] >= expected
    return [row("B4", "isolation: healthy p99 (half hang)", p99 and p99 * 1000, "ms", "<= 1000 ms", met,
                note=f"{entry['count']}/{expected} healthy received, {rate}/s for {seconds} s")]


# B8's workers: hanging attempts give up after 2 s and leases last 1 s, so within seconds slots
# turn over many times and every lease is renewed while its attempt hangs
B8_WORKER_ENV = {"WEBHOOK_TIMEOUT": "2", "WORKER_SLOT_LEASE": "1"}


def shared_caps(ctx, rate, seconds, workers=4):
    """B8: one webhook hangs, several worker processes: the most in flight to it (at the receiver), healthy p99."""
    seed.empty(ctx.app)
    (hanging,) = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b8hang?delay_ms=-1"])
    healthy = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b8ok"] * 6)
    reset_receiver(ctx)
    processes = ctx.processes.workers(workers, extra_env=B8_WORKER_ENV)
    try:
        load.paced_posts([f"{ctx.web_url}/f/{healthy[0]}"], 10, 0.3)
        wait_received(ctx, "b8ok", 1, 30)
        reset_receiver(ctx)
        # every other post goes to the hanging webhook's form
        urls = [f"{ctx.web_url}/f/{public_id}" for ok in healthy for public_id in (hanging, ok)]
        statuses = load.paced_posts(urls, rate, seconds)
        expected = sum(1 for number in range(len(statuses)) if number % 2 == 1)
        entry = wait_received(ctx, "b8ok", expected, 30)
        held = httpx.get(ctx.receiver_url + "/in-flight", timeout=10).json().get("b8hang", {"max": 0})["max"]
    finally:
        for process in processes:
            ctx.processes.kill(process)
    cap = ctx.app.config["WORKER_ENDPOINT_CONCURRENCY"]
    p99 = percentile(entry["latencies"], 0.99)
    note = (f"{workers} workers, cap {cap} (per process it would be {cap * workers}); "
            f"{len(statuses) - expected} posts to the hanging webhook")
    return [
        row("B8", "shared caps: most in flight to a hang", held, "requests", f"<= {cap}", held <= cap,
            note=note),
        row("B8", "shared caps: healthy p99", p99 and p99 * 1000, "ms", "<= 1000 ms",
            p99 is not None and p99 <= 1.0 and entry["count"] >= expected,
            note=f"{entry['count']}/{expected} healthy received, {rate}/s for {seconds} s"),
    ]


def latency(ctx, rate, seconds):
    """B5: 50 submissions/s steady; submission→received p50 and p99."""
    seed.empty(ctx.app)
    public_ids = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b5"] * 4)
    reset_receiver(ctx)
    worker = _start_worker_and_warm(ctx, "b5", public_ids[0])
    try:
        statuses = load.paced_posts([f"{ctx.web_url}/f/{public_id}" for public_id in public_ids], rate, seconds)
        entry = wait_received(ctx, "b5", len(statuses), 30)
    finally:
        ctx.processes.kill(worker)
    p50, p99 = percentile(entry["latencies"], 0.5), percentile(entry["latencies"], 0.99)
    note = f"{entry['count']}/{len(statuses)} received"
    return [
        row("B5", "latency p50 at 50/s", p50 and p50 * 1000, "ms", "<= 30 ms", p50 is not None and p50 <= 0.030,
            note=note),
        row("B5", "latency p99 at 50/s", p99 and p99 * 1000, "ms", "<= 200 ms", p99 is not None and p99 <= 0.200),
    ]


def memory(ctx, in_flight):
    """B6: peak RSS of the worker process tree with in_flight deliveries in flight."""
    seed.empty(ctx.app)
    seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b6?delay_ms=2000"] * WEBHOOKS)
    seed.queue_deliveries(ctx.app, in_flight)
    (worker,) = ctx.processes.workers(1, args=["--concurrency", str(in_flight)])
    peak, stop = [0], threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_bytes(worker.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        done = seed.wait_for_deliveries(ctx.app, "succeeded", in_flight, 60)
    finally:
        stop.set()
        sampler.join()
        ctx.processes.kill(worker)
    megabytes = peak[0] / 2**20
    recorded = seed.count_deliveries(ctx.app, "succeeded")
    return [row("B6", f"worker peak RSS, {in_flight} in flight", megabytes, "MB", "<= 300 MB", megabytes <= 300,
                note=f"1 process, --concurrency {in_flight}; {recorded}/{in_flight} recorded"
                + (" in 60 s" if done is None else ""))]


UPLOAD_BYTES = 1024 * 1024
BOUNDARY = "formhookbench"


def _upload_body(path):
    """A multipart post: a name and a 1 MiB PDF (a real header, then filler)."""
    pdf = b"%PDF-1.4\n" + b"0" * (UPLOAD_BYTES - 9)
    path.write_bytes(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAna Lima\r\n".encode()
        + f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n"
          "Content-Type: application/pdf\r\n\r\n".encode()
        + pdf + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def upload_intake(ctx, seconds):
    """B1u: hosted-form POSTs/s carrying a 1 MiB file (sniffed, written to disk, row and delivery stored)."""
    from pathlib import Path

    from app.models import StoredFile

    seed.empty(ctx.app)
    (public_id,) = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b7"], fields=seed.UPLOAD_FIELDS)
    # its own web process, so the storage quota of one workspace cannot end the run
    _, url = ctx.processes.gunicorn("wsgi:app", env={**ctx.processes.env, "QUOTA_STORAGE_BYTES": str(10**13)})
    body = Path(ctx.app.config["INSTANCE_PATH"]) / "b7-body.bin"
    _upload_body(body)
    script = load.multipart_script(body, BOUNDARY)
    load.run_wrk(f"{url}/f/{public_id}", 1, script_text=script)
    before = seed.count_rows(ctx.app, StoredFile)
    rate, bad = load.run_wrk(f"{url}/f/{public_id}", seconds, script_text=script)
    stored = seed.count_rows(ctx.app, StoredFile) - before
    seed.empty(ctx.app)
    note = f"{stored} files of 1 MiB kept on disk" + (f"; {bad} non-2xx" if bad else "") + "; compare B1"
    return [row("B1u", "intake: multipart POST, 1 MiB file", rate, "req/s", "no errors", bad == 0, note=note)]
