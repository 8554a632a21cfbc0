"""Newest-first pages of a dashboard list by keyset: each page is one range of an index, never an OFFSET.

A cursor names the row a page starts after, as `<created_at in µs, UTC>.<id>`: the (created_at, id)
pair is unique and ordered even where many rows share one timestamp. The count beside a list stops
at COUNT_CAP, so a page of a million-row list reads no more than that.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, request
from flask_babel import gettext as _
from sqlalchemy import func, literal, select, tuple_

from app.core.extensions import db

COUNT_CAP = 10_000
# a search's count reads rows until it has found this many: a common word stops early
SEARCH_COUNT_CAP = 1_000
PER_PAGE = 25
CURSOR_RE = re.compile(r"^([0-9]{20})\.([a-z]{2,5}_[0-9a-z]{26})$")
STAMP = "%Y%m%d%H%M%S%f"


def cursor_of(row):
    return f"{row.created_at.astimezone(UTC).strftime(STAMP)}.{row.id}"


def parse_cursor(name):
    """The (created_at, id) of the ?name= cursor, None when absent; 400 naming it when it is not one of ours."""
    value = request.args.get(name)
    if not value:
        return None
    match = CURSOR_RE.match(value)
    try:
        moment = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC) if match else None
    except ValueError:
        moment = None
    if moment is None:
        abort(400, description=_("%(field)s: is not a link of this list; open the list again.", field=name))
    return moment, match.group(2)


def capped_count(query, cap=None):
    """How many rows query has, counting no further than cap + 1 (COUNT_CAP unless given)."""
    cap = COUNT_CAP if cap is None else cap
    limited = query.with_only_columns(literal(1)).order_by(None).limit(cap + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(limited))


def page_number():
    """The ?page= of a paged list: 1 for a missing or unreadable one."""
    try:
        return max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return 1


@dataclass
class Page:
    rows: list
    number: int
    total: int  # exact up to cap; cap + 1 means "more than cap"
    cap: int
    older: str | None  # the cursor of the next (older) page
    newer: str | None  # the cursor of the previous (newer) page; None on the first

    @property
    def exact(self):
        return self.total <= self.cap

    @property
    def pages(self):
        """How many pages there are, when the count is exact."""
        return max(math.ceil(self.total / PER_PAGE), 1) if self.exact else None



def newest_first_page(query, model, per_page=PER_PAGE, cap=None):
    """The page of query that ?before= / ?after= (cursors) or ?page= (within the counted rows) ask for.

    Its count stops at cap (COUNT_CAP unless given).
    """
    cap = COUNT_CAP if cap is None else cap
    total = capped_count(query, cap)
    key = tuple_(model.created_at, model.id)
    newest_first = (model.created_at.desc(), model.id.desc())
    before, after = parse_cursor("before"), parse_cursor("after")
    number = page_number()
    if after is not None:
        rows = db.session.scalars(
            query.where(key > after).order_by(model.created_at, model.id).limit(per_page + 1)
        ).all()
        has_newer, has_older = len(rows) > per_page, True
        rows = list(reversed(rows[:per_page]))
    else:
        if before is not None:
            query = query.where(key < before)
        elif number > 1:
            # an old ?page= link: an offset, but never past the rows the capped count read
            number = min(number, math.ceil(min(total, cap) / per_page) or 1)
            query = query.offset((number - 1) * per_page)
        rows = db.session.scalars(query.order_by(*newest_first).limit(per_page + 1)).all()
        has_newer, has_older = before is not None or number > 1, len(rows) > per_page
        rows = rows[:per_page]
    if not rows:
        has_newer = has_older = False
    if not has_newer:
        number = 1
    page = Page(rows=rows, number=number, total=total, cap=cap, older=cursor_of(rows[-1]) if has_older else None,
                newer=cursor_of(rows[0]) if has_newer else None)
    if page.exact:
        page.number = min(page.number, page.pages)
    return page
