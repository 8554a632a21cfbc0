"""Engine settings per database: SQLite gets WAL and a busy timeout."""

from sqlalchemy import event

MMAP_BYTES = 256 * 1024 * 1024


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
    from app.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
