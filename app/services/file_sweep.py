"""The orphan sweep: objects in storage that no row names, older than a day, are deleted.

They come from a process that died between writing a file and committing its submission, or
from a form or workspace deleted with its rows (the database cascade cannot reach the store).
"""

import logging
from datetime import timedelta

from sqlalchemy import select

from app.core.extensions import db
from app.files.storage import storage
from app.models import StoredFile
from app.models.base import utcnow

log = logging.getLogger(__name__)
ORPHAN_AGE = timedelta(days=1)
BATCH = 500
SWEEP_KEY = "formhook:orphan-sweep"


def sweep_orphans(now=None, max_objects=10_000):
    """Delete stored objects older than ORPHAN_AGE that no StoredFile row names; return how many."""
    cutoff = (now or utcnow()) - ORPHAN_AGE
    removed, batch, seen = 0, [], 0
    for key in storage().keys_older_than(cutoff):
        batch.append(key)
        seen += 1
        if len(batch) >= BATCH or seen >= max_objects:
            removed += _remove_unnamed(batch)
            batch = []
        if seen >= max_objects:
            break
    if batch:
        removed += _remove_unnamed(batch)
    if removed:
        log.info("orphan sweep removed %d stored files", removed)
    return removed


def _remove_unnamed(keys):
    named = set(db.session.scalars(select(StoredFile.storage_key).where(StoredFile.storage_key.in_(keys))))
    orphans = [key for key in keys if key not in named]
    for key in orphans:
        storage().delete(key)
    return len(orphans)


def sweep_orphans_hourly(app, interval=3600):
    """Run sweep_orphans at most once an interval across every worker (a Redis key says when)."""
    if not app.redis.set(SWEEP_KEY, "1", nx=True, ex=interval):
        return None
    with app.app_context():
        try:
            return sweep_orphans()
        except Exception:  # the store or the database is away: the next interval tries again
            app.redis.delete(SWEEP_KEY)
            log.exception("orphan sweep failed")
            return None
        finally:
            db.session.remove()
