"""B9: a year of one busy workspace — the dashboard's and the API's lists, /metrics, health, the CSV export."""

import json
import re
import subprocess
import sys
import threading
import time

import httpx
from sqlalchemy import select

from app.core.config import REPO_ROOT
from app.core.extensions import db
from app.models import ApiKey, Delivery, Membership
from bench import seed, seed_big
from bench.services import _descendants, tree_rss_bytes

GOAL_MS = 300
GOAL_RSS_MB = 150
NEXT_LINK = re.compile(r'rel="next" href="([^"]+)"')


def percentile_ms(seconds, fraction=0.95):
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] * 1000


def log_in(web_url):
    client = httpx.Client(base_url=web_url, timeout=300, follow_redirects=False)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "email": seed_big.OWNER_EMAIL,
                                         "password": seed_big.OWNER_PASSWORD})
    if answer.status_code != 302:
        raise RuntimeError(f"bench log-in refused: {answer.status_code}")
    return client


def api_client(app, web_url, workspace_id):
    with app.app_context():
        creator = db.session.scalars(select(Membership).where(Membership.workspace_id == workspace_id)).first()
        key, plaintext = ApiKey.generate(workspace_id, creator.user_id)
        db.session.add(key)
        db.session.commit()
        db.session.remove()
    return httpx.Client(base_url=web_url, timeout=300, headers={"Authorization": f"Bearer {plaintext}"})


def timed(client, paths, follow_next=0):
    """Seconds each GET of paths took (each path, then up to follow_next of its "older" links)."""
    times = []
    for path in paths:
        url = path
        for _ in range(follow_next + 1):
            started = time.perf_counter()
            answer = client.get(url)
            times.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise RuntimeError(f"{url}: {answer.status_code}")
            found = NEXT_LINK.search(answer.text) if follow_next else None
            if not found:
                break
            url = found.group(1).replace("&amp;", "&")
    return times


def api_pages(client, path, pages):
    times, cursor = [], None
    for _ in range(pages):
        started = time.perf_counter()
        answer = client.get(path, params={"limit": 100, **({"cursor": cursor} if cursor else {})})
        times.append(time.perf_counter() - started)
        cursor = answer.raise_for_status().json()["next_cursor"]
        if not cursor:
            break
    return times


def latency_row(key, name, times, note=""):
    from bench.scenarios import row

    p95 = percentile_ms(times)
    return row(key, name, p95, "ms", f"<= {GOAL_MS} ms", p95 <= GOAL_MS, note=f"{len(times)} requests; {note}")


def export_peak(ctx, path):
    """Stream path through a fresh gunicorn, sampling each worker's RSS: (peak MB, idle MB of one worker, bytes, s)."""
    web_process, web_url = ctx.processes.gunicorn("wsgi:app")
    client = log_in(web_url)
    idle = max(tree_rss_bytes(pid) for pid in _descendants(web_process.pid)) / 2**20
    peak, stop = [0], threading.Event()

    def sample():
        while not stop.is_set():
            for pid in _descendants(web_process.pid):
                peak[0] = max(peak[0], tree_rss_bytes(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started, size = time.perf_counter(), 0
    try:
        with client.stream("GET", path) as answer:
            for chunk in answer.iter_bytes():
                size += len(chunk)
    finally:
        stop.set()
        sampler.join()
        ctx.processes.stop(web_process)
    return peak[0] / 2**20, idle, size, time.perf_counter() - started


def export_job_peak(ctx, form_id):
    """The mailed export's job, run alone in a process of its own: {"rows", "seconds", "peak_mb"}."""
    done = subprocess.run([sys.executable, "-m", "bench.export_job", form_id], env=ctx.processes.env,
                          cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def big_workspace(ctx, submissions, attempts, samples):
    """B9: seed one workspace, then time its pages through gunicorn (make run's settings)."""
    from bench.scenarios import row

    seed.empty(ctx.app)
    seeded = seed_big.fill(ctx.app, submissions, attempts, log=lambda line: print(line, file=sys.stderr, flush=True))
    web_process, web_url = ctx.processes.gunicorn("wsgi:app")
    client, api = log_in(web_url), api_client(ctx.app, web_url, seeded.workspace_id)
    form, (crm, chat) = seeded.form_id, seeded.webhook_ids
    with ctx.app.app_context():
        delivery_ids = db.session.scalars(select(Delivery.id).where(Delivery.webhook_id == crm)
                                          .order_by(Delivery.id.desc()).limit(samples)).all()
        db.session.remove()
    timed(client, [f"/forms/{form}/submissions", f"/forms/{form}/deliveries"])  # warm the connections
    lists = timed(client, [f"/forms/{form}/submissions"] * (samples // 5), follow_next=4)
    terms = ["lead123@example.com", f"Lead {submissions // 2}", "Tyrell Group", "renewal", "zz"]
    search = timed(client, [f"/forms/{form}/submissions?q={term}" for term in terms * (samples // len(terms))])
    tab = timed(client, [f"/forms/{form}/deliveries", f"/forms/{form}/deliveries?status=failed",
                         f"/forms/{form}/deliveries?webhook={chat}"] * (samples // 9), follow_next=2)
    detail = timed(client, [f"/deliveries/{delivery_id}" for delivery_id in delivery_ids])
    listed = (api_pages(api, f"/api/v1/forms/{form}/submissions", samples // 2)
              + api_pages(api, f"/api/v1/webhooks/{chat}/deliveries", samples // 2))
    metrics = timed(client, ["/metrics"] * max(samples // 4, 3))
    health = timed(client, [f"/webhooks/{crm}/health"] * max(samples // 4, 3))
    peak_mb, idle_mb, size, seconds = export_peak(ctx, f"/forms/{form}/submissions.csv")
    job = export_job_peak(ctx, form)
    scale = f"{seeded.submissions:,} submissions, {seeded.attempts:,} attempts"
    return [
        row("B9", f"seed: {scale}", seeded.seconds, "s", "minutes", seeded.seconds < 1800,
            note=f"{seeded.deliveries:,} deliveries, 2 webhooks, 1 workspace"),
        latency_row("B9", "submissions list p95", lists, "first page and 4 older (keyset) pages"),
        latency_row("B9", "search p95", search, "terms: " + ", ".join(terms)),
        latency_row("B9", "Deliveries tab p95", tab, "all, ?status=failed, ?webhook=, and older pages"),
        latency_row("B9", "delivery page p95", detail, "newest deliveries, 2 attempts each"),
        latency_row("B9", "API lists p95 (limit=100)", listed, "submissions and deliveries, following next_cursor"),
        latency_row("B9", "/metrics p95", metrics),
        latency_row("B9", "health page p95", health),
        row("B9", "CSV export: peak RSS of the worker", peak_mb, "MB", f"<= {GOAL_RSS_MB} MB", peak_mb <= GOAL_RSS_MB,
            note=f"{seeded.submissions:,} rows, {size / 2**20:.0f} MB in {seconds:.0f} s "
                 f"({seeded.submissions / seconds:,.0f} rows/s); the worker held {idle_mb:.0f} MB before"),
        row("B9", "mailed CSV export: peak RSS of the job", job["peak_mb"], "MB", f"<= {GOAL_RSS_MB} MB",
            job["peak_mb"] <= GOAL_RSS_MB, note=f"{job['rows']:,} rows in {job['seconds']:.0f} s, gzip into storage"),
    ]
