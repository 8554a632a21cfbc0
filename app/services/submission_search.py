"""Search in every answer of a form's submissions, at a cost that does not grow with the form.

On PostgreSQL with pg_trgm the answers' JSON text has a trigram index that serves ILIKE, so
the whole form is searched. Without it (SQLite, a server without pg_trgm) or for a term too
short to make a trigram, a list's search reads only the newest SEARCH_SCAN_ROWS rows and says
so; an export, which streams, may read them all.
"""

import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, text, tuple_

from app.core.extensions import db
from app.models import Submission
from app.models.search_index import TRIGRAM_INDEX, answers_text

LIKE_ESCAPE = "!"
TRIGRAM = 3  # pg_trgm can use its index only for a term holding a whole trigram
NEWEST_FIRST = (Submission.created_at.desc(), Submission.id.desc())
CACHE_KEY = "formhook.trigram_index"


@dataclass
class Search:
    query: object
    window: int | None  # the newest rows it read at most; None: every row


def _like(term):
    return "%" + "".join(LIKE_ESCAPE + ch if ch in "%_!" else ch for ch in term) + "%"


def _matches(term):
    """term in any answer; JSON may store accents as \\u escapes, so look for both spellings."""
    spellings = sorted({term, json.dumps(term)[1:-1]})
    stored = answers_text(Submission.answers)
    if db.engine.dialect.name == "sqlite":  # its LIKE already ignores case (of ASCII, as its lower() does)
        return or_(*(stored.like(_like(spelling), escape=LIKE_ESCAPE) for spelling in spellings))
    return or_(*(stored.ilike(_like(spelling), escape=LIKE_ESCAPE) for spelling in spellings))


def trigram_index_ready():
    """Whether this database has the trigram index (asked once per process)."""
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    url = str(db.engine.url)
    if url not in cache:
        cache[url] = db.engine.dialect.name == "postgresql" and bool(db.session.scalar(
            text("SELECT count(*) FROM pg_indexes WHERE indexname = :name"), {"name": TRIGRAM_INDEX}
        ))
    return cache[url]


def search(query, term, bounded=True):
    """query (a form's submissions) narrowed to those whose answers hold term."""
    if not bounded or (len(term) >= TRIGRAM and trigram_index_ready()):
        return Search(query.where(_matches(term)), None)
    window = current_app.config["SEARCH_SCAN_ROWS"]
    # the window is a range of the list's index: from the window-th newest row up
    edge = query.with_only_columns(Submission.created_at, Submission.id).order_by(*NEWEST_FIRST)
    oldest = db.session.execute(edge.offset(window - 1).limit(1)).first()
    if oldest is None:  # the whole form fits in the window
        return Search(query.where(_matches(term)), None)
    key = tuple_(Submission.created_at, Submission.id)
    return Search(query.where(key >= tuple(oldest), _matches(term)), window)
