"""B7 noisy neighbour: one workspace's backlog drains while another workspace submits a few forms a second.

Workspace A has `backlog` deliveries queued to 20 webhooks that answer in 100 ms; workspace B
posts its hosted form at `rate` per second through gunicorn while A's backlog drains. The
figures: B's submission→received p50 and p99, and A's deliveries/s beside B against A's
deliveries/s alone. Each drain starts from empty tables with one fresh worker process, and A
drains alone before and after the drain beside B: the baseline is the mean of the two, so a
machine whose load drifts (other work on the same cores) shows as a spread, not as a ratio.
"""

from bench import load, seed
from bench.scenarios import percentile, receiver_stats, reset_receiver, row, wait_received

A_WEBHOOKS = 20
A_DELAY_MS = 100
# B posts for at most this share of the time A alone took to drain, so every post meets a backlog
B_SHARE_OF_DRAIN = 0.6


def noisy_neighbour(ctx, backlog, rate, seconds):
    """B7: rows for B's p50 and p99 while A drains, and A's throughput beside B against A alone."""
    before, _ = _drain(ctx, backlog)
    b_seconds = min(seconds, B_SHARE_OF_DRAIN * backlog / before) if before else seconds
    beside, b_entry = _drain(ctx, backlog, rate=rate, b_seconds=b_seconds)
    after, _ = _drain(ctx, backlog)
    alone = (before + after) / 2 if before and after else None

    latencies = b_entry["latencies"] if b_entry else []
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    ratio = beside / alone if alone and beside else None
    posted = int(rate * b_seconds)
    note = (f"B: {len(latencies)}/{posted} received, {rate}/s for {b_seconds:.1f} s; A: {backlog} queued to "
            f"{A_WEBHOOKS} webhooks at {A_DELAY_MS} ms")
    alone_note = "A alone before / after: " + " / ".join("—" if value is None else f"{value:.0f}"
                                                        for value in (before, after))
    return [
        row("B7", "noisy neighbour: B p50 while A drains", p50 and p50 * 1000, "ms", "(reference)",
            p50 is not None, note=note),
        row("B7", "noisy neighbour: B p99 while A drains", p99 and p99 * 1000, "ms", "<= 1000 ms",
            p99 is not None and p99 <= 1.0 and len(latencies) == posted),
        row("B7", "noisy neighbour: A beside B / A alone", beside, "deliv/s", "ratio >= 0.90",
            ratio is not None and ratio >= 0.90, baseline=alone, ratio=ratio,
            note=f"one worker process, make run's settings; {alone_note}/s"),
    ]


def _drain(ctx, backlog, rate=0, b_seconds=0):
    """From empty tables, queue A's backlog and start a worker; with a rate, B posts meanwhile.

    Returns A's deliveries/s (None if not all arrived) and B's receiver stats.
    """
    seed.empty(ctx.app)
    a_forms = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b7a?delay_ms={A_DELAY_MS}"] * A_WEBHOOKS,
                              one_workspace=True)
    seed.queue_deliveries(ctx.app, backlog, public_ids=a_forms)
    (b_form,) = seed.make_forms(ctx.app, [f"{ctx.receiver_url}/b7b"])
    reset_receiver(ctx)
    (worker,) = ctx.processes.workers(1)
    try:
        wait_received(ctx, "b7a", 1, 60)  # the worker is up and A's backlog is draining
        if rate:
            load.paced_posts([f"{ctx.web_url}/f/{b_form}"], rate, b_seconds)
            wait_received(ctx, "b7b", int(rate * b_seconds), 30)
        entry = wait_received(ctx, "b7a", backlog, 300)
    finally:
        ctx.processes.kill(worker)
    a_rate = backlog / (entry["last"] - entry["first"]) if entry["count"] >= backlog else None
    return a_rate, receiver_stats(ctx).get("b7b")
