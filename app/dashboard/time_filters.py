"""From/to filter boxes of the dashboard's lists: typed in the workspace's zone, applied in UTC."""

from flask import abort
from flask_babel import gettext as _

from app.core import timezones


def local_bound(args, name, label, end=False):
    """The ?name= box (a date or a datetime-local value) as UTC; None when empty; 400 naming it when malformed.

    With end it is the exclusive upper bound, so `to 2026-12-02` keeps the whole of that local day.
    """
    try:
        return timezones.parse_local(args.get(name), timezones.current_zone(), end=end)
    except ValueError:
        abort(400, description=_(
            "%(field)s: not a date or time; pick one in the box (for example 2026-12-02 or 2026-12-02T21:44).",
            field=label,
        ))


def within(query, column, since, until):
    """query narrowed to since <= column < until (either may be None)."""
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query
