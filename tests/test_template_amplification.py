"""Template amplification against a real worker process (issue 12, finding 2).

Three anonymous posts with 10,000-character answers to a form whose webhook renders
{{ name|list|join(name) }} once made 100,000,000-byte requests and took the worker from
116 MB to 1,039 MB; now each render stops at TEMPLATE_MAX_OUTPUT, the delivery fails at once,
and another workspace's deliveries arrive as usual.
"""

import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Attempt, Delivery
from tests.conftest import make_form, make_webhook
from tests.figures import report
from tests.test_delivery_nothing_lost import start_worker

LONG = "x" * 10_000
ATTACKS, ORDINARY = 3, 20
# the old render allocated 100 MB per delivery (and as much again as bytes); a bounded one
# stays within a few MB of the worker's own footprint
GROWTH_BOUND_KB = 64 * 1024


def process_group_kb(pgid, field):
    """The sum of a /proc/<pid>/status field (VmRSS, VmHWM) over the worker's process group, in kB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if os.getpgid(int(status.parent.name)) != pgid:
                continue
            lines = status.read_text().splitlines()
        except (OSError, ProcessLookupError):
            continue  # the process ended while we looked
        total += sum(int(line.split()[1]) for line in lines if line.startswith(f"{field}:"))
    return total


def wait_for_deliveries(app, count):
    """Wait until count deliveries exist and none is open; return them."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with app.app_context():
            rows = [(d.id, d.webhook_id, d.status, d.attempt_count, d.last_error)
                    for d in db.session.scalars(select(Delivery))]
            db.session.remove()
        if len(rows) >= count and all(status in ("succeeded", "failed") for _, _, status, _, _ in rows):
            return rows
        time.sleep(0.2)
    raise AssertionError(f"deliveries still open: {rows}")


@pytest.mark.app_config(PUBLIC_RATE_LIMIT="100000/minute")
def test_join_amplification_stays_bounded_in_a_real_worker(
    app, client, accounts, receiver, database_url, redis_url, tmp_path
):
    _, attacker = accounts.user("mallory@example.com")
    attacker_form, attacker_public = make_form(app, attacker)
    attacker_hook = make_webhook(app, attacker_form, f"{receiver.url}/amplified",
                                 body_template="{{ name|list|join(name) }}")
    _, victim = accounts.user("victim@example.com")
    victim_form, victim_public = make_form(app, victim)
    victim_hook = make_webhook(app, victim_form, f"{receiver.url}/victim")

    worker = start_worker(database_url, redis_url, tmp_path / "worker.log")
    try:
        # one ordinary delivery first, so the worker has imported and connected everything
        assert client.post(f"/f/{victim_public}", json={"name": "warm", "email": "w@example.com"}).status_code == 201
        receiver.wait_for(1, timeout=30)
        rss_before = process_group_kb(worker.pid, "VmRSS")
        peak_before = process_group_kb(worker.pid, "VmHWM")
        for _ in range(ATTACKS):  # anonymous posts, 10 KB each
            response = client.post(f"/f/{attacker_public}", json={"name": LONG, "email": "m@example.com"})
            assert response.status_code == 201
        for number in range(ORDINARY):
            response = client.post(f"/f/{victim_public}", json={"name": f"n{number}", "email": "v@example.com"})
            assert response.status_code == 201
        deliveries = wait_for_deliveries(app, 1 + ATTACKS + ORDINARY)
        rss_after = process_group_kb(worker.pid, "VmRSS")
        peak_after = process_group_kb(worker.pid, "VmHWM")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)

    attacked = [row for row in deliveries if row[1] == attacker_hook]
    ordinary = [row for row in deliveries if row[1] == victim_hook]
    assert len(attacked) == ATTACKS and len(ordinary) == 1 + ORDINARY
    for _, _, status, attempts, last_error in attacked:
        assert (status, attempts) == ("failed", 1)  # refused at once, never retried
        assert "TEMPLATE_MAX_OUTPUT" in last_error
    assert all(status == "succeeded" for _, _, status, _, _ in ordinary)
    victim_ids = {row[0] for row in ordinary}
    arrived = {request.headers["webhook-id"] for request in receiver.requests if request.path == "/victim"}
    assert arrived == victim_ids
    assert not [request for request in receiver.requests if request.path == "/amplified"]

    with app.app_context():
        stored = [len(str(attempt.request)) + len(str(attempt.response or "")) for attempt in
                  db.session.scalars(select(Attempt).join(Delivery).where(Delivery.webhook_id == attacker_hook))]
    assert len(stored) == ATTACKS and max(stored) < 4096

    growth = peak_after - peak_before
    report(f"template amplification: worker RSS {rss_before / 1024:.0f} → {rss_after / 1024:.0f} MB, "
           f"peak {peak_before / 1024:.0f} → {peak_after / 1024:.0f} MB over {ATTACKS} join attacks "
           f"(10,000-char answers) and {ORDINARY} ordinary deliveries, all delivered; largest stored attempt "
           f"{max(stored)} chars")
    assert growth < GROWTH_BOUND_KB
