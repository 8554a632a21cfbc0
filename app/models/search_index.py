"""The trigram index that lets PostgreSQL search every answer without reading every row.

pg_trgm is a contrib extension: where it cannot be installed the index is left out and the
search falls back to its bounded scan (app.services.submission_search).
"""

from sqlalchemy import DDL, String, cast, event, text

TRIGRAM_INDEX = "ix_submissions_answers_trgm"


def trigram_extension_available(connection):
    """Whether pg_trgm is installed, or can be, on this PostgreSQL server."""
    return connection.scalar(text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")) > 0


def answers_text(answers_column):
    """The answers as stored JSON text: what the search matches and the index holds, one expression for both."""
    return cast(answers_column, String)


def _extension_available(ddl, target, bind, **kw):
    return trigram_extension_available(bind)


def add_trigram_index(table, index):
    """Create the extension before the table and index it with trigrams, on PostgreSQL where pg_trgm exists."""
    event.listen(
        table, "before_create",
        DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql", callable_=_extension_available),
    )
    index.ddl_if(dialect="postgresql", callable_=_extension_available)
