"""The retention purge: old attempts, finished deliveries, inspector captures and (per form) submissions.

How long each is kept comes from the workspace (None: the RETENTION_* setting; 0: for ever) and,
for submissions, from the form (None: kept until deleted). Rows go in batches of
RETENTION_BATCH_SIZE, each its own short transaction, so neither SQLite's one writer nor a
PostgreSQL row lock is held for long and submissions keep arriving between batches. An open
delivery (pending or retrying) is never purged, nor are its attempts.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import delete, select, update

from app.core.extensions import db
from app.models import Attempt, CaptureBin, CapturedRequest, Delivery, Form, StoredFile, Submission, Workspace
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES
from app.services import uploads

log = logging.getLogger(__name__)
KINDS = ("attempts", "deliveries", "captures", "submissions")
MAX_RETENTION_DAYS = 3650  # the longest retention a workspace or form may choose
PURGED_KEY = "formhook:retention:purged"  # Redis hash: rows purged so far, by kind (/metrics)
RUN_KEY = "formhook:retention:run"  # set while an interval's purge is done or running


@dataclass
class Batch:
    """One batch: what kind of rows, how many, and the storage keys of the files that went with them."""

    kind: str
    rows: int
    file_keys: list = field(default_factory=list)


def cutoffs(column, setting, now):
    """[(cutoff, condition on a workspace id column)]: one per retention in use among the workspaces."""
    custom = db.session.execute(select(Workspace.id, column).where(column.is_not(None))).all()
    by_days = defaultdict(list)
    for workspace_id, days in custom:
        by_days[days].append(workspace_id)
    chosen = [(days, partial(_among, ids)) for days, ids in by_days.items()]
    chosen.append((current_app.config[setting], partial(_outside, [row[0] for row in custom])))
    return [(now - timedelta(days=days), condition) for days, condition in chosen if days and days > 0]


def _among(ids, column):
    return column.in_(ids)


def _outside(ids, column):
    return column.not_in(ids)


def _locked(query, table):
    """Skip rows another transaction holds (PostgreSQL; SQLite has one writer and ignores it)."""
    return query.with_for_update(skip_locked=True, of=table)


def _closed(statement):
    return statement.where(Delivery.status.not_in(OPEN_STATUSES))


def attempt_batch(cutoff, in_scope, size):
    """Delete up to size attempts older than cutoff, of finished deliveries only."""
    ids = db.session.scalars(_locked(_closed(
        select(Attempt.id).join(Delivery, Attempt.delivery_id == Delivery.id)
        .where(Attempt.at < cutoff, in_scope(Delivery.workspace_id))
    ).limit(size), Attempt)).all()
    if ids:
        db.session.execute(delete(Attempt).where(Attempt.id.in_(ids)))
    return Batch("attempts", len(ids))


def _delete_deliveries(ids):
    """Delete the finished ones of these deliveries, their attempts first; return how many."""
    closed = _closed(select(Delivery.id).where(Delivery.id.in_(ids)))
    db.session.execute(delete(Attempt).where(Attempt.delivery_id.in_(closed)))
    return db.session.execute(_closed(delete(Delivery).where(Delivery.id.in_(ids)))).rowcount


def delivery_batch(cutoff, in_scope, size):
    """Delete up to size finished deliveries created before cutoff, with their attempts."""
    ids = db.session.scalars(_locked(_closed(
        select(Delivery.id).where(Delivery.created_at < cutoff, in_scope(Delivery.workspace_id))
    ).limit(size), Delivery)).all()
    return Batch("deliveries", _delete_deliveries(ids) if ids else 0)


def capture_batch(cutoff, in_scope, size):
    """Delete up to size inspector captures recorded before cutoff."""
    ids = db.session.scalars(
        select(CapturedRequest.id).join(CaptureBin, CapturedRequest.bin_id == CaptureBin.id)
        .where(CapturedRequest.at < cutoff, in_scope(CaptureBin.workspace_id)).limit(size)
    ).all()
    if ids:
        db.session.execute(delete(CapturedRequest).where(CapturedRequest.id.in_(ids)))
    return Batch("captures", len(ids))


def submission_batch(form_id, cutoff, size):
    """Delete up to size of a form's submissions older than cutoff, their file rows and finished deliveries.

    An open delivery of one stays (it holds its own copy of what is still to be sent), unlinked.
    """
    ids = db.session.scalars(_locked(
        select(Submission.id).where(Submission.form_id == form_id, Submission.created_at < cutoff).limit(size),
        Submission,
    )).all()
    if not ids:
        return Batch("submissions", 0)
    keys = list(db.session.scalars(select(StoredFile.storage_key).where(StoredFile.submission_id.in_(ids))))
    _delete_deliveries(select(Delivery.id).where(Delivery.submission_id.in_(ids)).scalar_subquery())
    db.session.execute(update(Delivery).where(Delivery.submission_id.in_(ids)).values(submission_id=None))
    db.session.execute(delete(StoredFile).where(StoredFile.submission_id.in_(ids)))
    db.session.execute(delete(Submission).where(Submission.id.in_(ids)))
    return Batch("submissions", len(ids), keys)


def _drain(take, size):
    """Commit batches from take() until one comes back short; count and yield each non-empty committed batch."""
    while True:
        batch = take()
        db.session.commit()
        uploads.delete_objects(batch.file_keys)  # the bytes go once no row names them
        if batch.rows:
            count_purged(current_app.redis, batch)
            yield batch
        if batch.rows < size:
            return


WORKSPACE_RETENTIONS = (
    (attempt_batch, Workspace.retention_attempts_days, "RETENTION_ATTEMPTS_DAYS"),
    (delivery_batch, Workspace.retention_deliveries_days, "RETENTION_DELIVERIES_DAYS"),
    (capture_batch, Workspace.retention_captures_days, "RETENTION_CAPTURES_DAYS"),
)


def purge_batches(now=None, size=None):
    """Purge everything past its retention, yielding each committed and counted Batch (the caller may pause between).

    Attempts go before the deliveries they belong to, a submission's files before the submission.
    """
    now = now or utcnow()
    size = size or current_app.config["RETENTION_BATCH_SIZE"]
    for take, column, setting in WORKSPACE_RETENTIONS:
        for cutoff, in_scope in cutoffs(column, setting, now):
            yield from _drain(partial(take, cutoff, in_scope, size), size)
    kept = db.session.execute(
        select(Form.id, Form.submission_retention_days).where(Form.submission_retention_days > 0)
    ).all()
    for form_id, days in kept:
        yield from _drain(partial(submission_batch, form_id, now - timedelta(days=days), size), size)


def count_purged(redis, batch):
    """Add a committed batch to the purge counters /metrics shows."""
    redis.hincrby(PURGED_KEY, batch.kind, batch.rows)
    if batch.file_keys:
        redis.hincrby(PURGED_KEY, "files", len(batch.file_keys))


def purged_counts(redis):
    """{kind: rows purged so far} for KINDS and "files" (zero when none yet)."""
    stored = redis.hgetall(PURGED_KEY)
    return {kind: int(stored.get(kind.encode(), 0)) for kind in (*KINDS, "files")}


def purge(app, now=None, size=None):
    """Run one whole purge, counting it; return {kind: rows purged}."""
    totals = dict.fromkeys(KINDS, 0)
    with app.app_context():
        try:
            for batch in purge_batches(now, size):
                totals[batch.kind] += batch.rows
        finally:
            db.session.remove()
    if any(totals.values()):
        log.info("retention purge removed %s", ", ".join(f"{count} {kind}" for kind, count in totals.items()))
    return totals


def purge_when_due(app):
    """Run purge at most once per RETENTION_INTERVAL across every worker (a Redis key says when)."""
    if not app.redis.set(RUN_KEY, "1", nx=True, ex=app.config["RETENTION_INTERVAL"]):
        return None
    try:
        return purge(app)
    except Exception:  # the database is away: the next sweep tries again
        app.redis.delete(RUN_KEY)
        log.exception("retention purge failed")
        return None
