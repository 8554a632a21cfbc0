"""Workspace time: UTC in the database and the API, the workspace's zone on every dashboard page.

Times are stored timezone-aware in UTC. A page shows them in the workspace's IANA zone with the
zone's abbreviation (`2 Des 2026 21.44 WIB`, formatted by Babel for the page's locale), and a
filter box typed in local time is turned back into UTC here.
"""

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.dates import format_skeleton
from flask import current_app, has_request_context
from flask_babel import get_locale

DEFAULT_ZONE = "UTC"
MAX_ZONE_LENGTH = 64
# (skeleton of the date part, skeleton of the time part); None leaves that part out
FORMATS = {
    "datetime": ("yMMMd", "Hm"),
    "seconds": ("yMMMd", "Hms"),
    "time": (None, "Hm"),
    "time_seconds": (None, "Hms"),
    "date": ("yMMMd", None),
}
RESOLVER_KEY = "formhook.timezone_resolver"


@lru_cache(maxsize=1)
def zone_names():
    """Every IANA zone name this machine knows, sorted (the choices of the settings page)."""
    return sorted(name for name in available_timezones() if "/" in name or name == "UTC")


def is_valid_zone(name):
    """Whether name is an IANA zone we can use (`Asia/Jakarta`, `UTC`)."""
    if not isinstance(name, str) or not name or len(name) > MAX_ZONE_LENGTH:
        return False
    return name in zone_names()


def clean_zone(name, default=DEFAULT_ZONE):
    """The zone name when valid (surrounding blanks dropped), else default (e.g. a browser's odd answer)."""
    name = name.strip() if isinstance(name, str) else name
    return name if is_valid_zone(name) else default


def zone(name):
    """The ZoneInfo for a zone name; UTC for a missing or unknown one."""
    try:
        return ZoneInfo(clean_zone(name))
    except ZoneInfoNotFoundError:  # listed but its data is missing: show UTC rather than fail a page
        return ZoneInfo(DEFAULT_ZONE)


def to_local(moment, zone_name):
    """A stored UTC moment in the zone (a naive one is read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(zone_name))


def to_utc(local, zone_name):
    """A wall-clock time typed in the zone (naive) as an aware UTC moment."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=zone(zone_name))
    return local.astimezone(UTC)


def parse_local(text, zone_name, end=False):
    """A filter box's value (`2026-12-02` or `2026-12-02T21:44`) in the zone as UTC; None when empty.

    With end, the exclusive end of what was typed: the next day's start for a date, the next
    minute's for a time, so `until 21:44` keeps what arrived at 21:44:30. Raises ValueError for
    text that is neither.
    """
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > 32:
        raise ValueError("too long for a date")
    if "T" not in text and " " not in text:
        start = datetime.combine(datetime.fromisoformat(text).date(), time())
        return to_utc(start + timedelta(days=1) if end else start, zone_name)
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = to_utc(parsed, zone_name)
    return parsed.astimezone(UTC) + (timedelta(minutes=1) if end else timedelta())


def input_value(moment, zone_name, kind="datetime-local"):
    """A UTC moment as the value of an <input type=date|datetime-local> in the zone."""
    if moment is None:
        return ""
    local = to_local(moment, zone_name)
    return local.strftime("%Y-%m-%d") if kind == "date" else local.strftime("%Y-%m-%dT%H:%M")


def abbreviation(moment, zone_name):
    """The zone's abbreviation at that moment (`WIB`, `CET`/`CEST`, `+04` where the zone has none)."""
    return to_local(moment, zone_name).tzname() or zone_name


def _locale_name(locale):
    if locale:
        return str(locale)
    return str(get_locale() or "en") if has_request_context() else "en"


def format_local(moment, zone_name, style="datetime", locale=None):
    """A UTC moment as the zone's wall-clock text with the zone's abbreviation (`21:44 WIB`)."""
    if moment is None:
        return ""
    date_skeleton, time_skeleton = FORMATS[style]
    local = to_local(moment, zone_name)
    locale = Locale.parse(_locale_name(locale))
    date_text = format_skeleton(date_skeleton, local, locale=locale) if date_skeleton else ""
    if not time_skeleton:
        return date_text
    time_text = f"{format_skeleton(time_skeleton, local, locale=locale)} {local.tzname() or zone_name}"
    if not date_text:
        return time_text
    return locale.datetime_formats["medium"].format(time_text, date_text)


def set_resolver(app, resolver):
    """Say how to find the current request's zone name (the accounts layer knows the workspace)."""
    app.extensions[RESOLVER_KEY] = resolver


def current_zone():
    """The current workspace's zone name in a request that has one, else UTC."""
    resolver = current_app.extensions.get(RESOLVER_KEY) if has_request_context() else None
    return clean_zone(resolver() if resolver else None)


def localtime_filter(moment, style="datetime", zone_name=None):
    """Jinja: `{{ delivery.created_at | localtime }}` → `2 Des 2026 21.44 WIB` in the workspace's zone."""
    return format_local(moment, zone_name or current_zone(), style)


def init_app(app):
    app.add_template_filter(localtime_filter, "localtime")
    app.add_template_global(current_zone, "current_zone")
