"""Engine settings per database (SQLite gets WAL and a busy timeout), and work to do after a commit."""

from sqlalchemy import event

MMAP_BYTES = 256 * 1024 * 1024
AFTER_COMMIT = "formhook_after_commit"  # session.info key of the callbacks waiting for the next commit


def on_commit(callback):
    """Run callback right after the current transaction commits, never after a rollback.

    Services flush and leave the commit to the view or job that called them; what must follow
    the commit (queueing the job that reads the rows) is handed over here. The callback runs
    outside any transaction: give it ids, not objects.
    """
    from app.core.extensions import db

    db.session.info.setdefault(AFTER_COMMIT, []).append(callback)


def _run_after_commit(session):
    for callback in session.info.pop(AFTER_COMMIT, []):
        callback()


def _forget_after_rollback(session):
    session.info.pop(AFTER_COMMIT, None)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # WAL lets the web and the worker read while the other writes
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # pages read through a memory map, not one pread() per page: every write by another
    # connection empties this connection's page cache, so reads are frequent
    cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cursor.close()


def init_database(app):
    """Tune the engine for the configured database."""
    from app.core.extensions import db

    if not event.contains(db.session, "after_commit", _run_after_commit):
        event.listen(db.session, "after_commit", _run_after_commit)
        event.listen(db.session, "after_rollback", _forget_after_rollback)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
