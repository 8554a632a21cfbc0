"""What the B1l and B1f baselines share: SQLite's settings (as the app's) and a DB-API connection."""

from sqlalchemy.engine import make_url


def sqlite_pragmas(dbapi_connection, _record=None):
    """WAL and a busy timeout, as app.core.database sets them for the app."""
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def connect(database_url):
    """A DB-API connection to database_url and its parameter marker."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        import sqlite3

        connection = sqlite3.connect(url.database, check_same_thread=False)
        sqlite_pragmas(connection)
        return connection, "?"
    import psycopg

    return psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False)), "%s"
