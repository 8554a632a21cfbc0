"""Why a webhook is off, in the reader's language and time zone.

The reason is stored in English, as the API gives it; the dashboard and the notice mail show
the known ones translated (the time of a failing streak in the workspace's zone) and any
other text as it was stored.
"""

import re
from datetime import UTC, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from app.core import timezones
from app.delivery.policy import GONE_REASON

DASHBOARD_REASON = "disabled in the dashboard"
_STREAK = re.compile(r"failing continuously since (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC \((\d+) failed attempts\)")


def reason_text(reason, zone_name=None, locale=None):
    """reason as the reader should read it; None stays None."""
    if reason == GONE_REASON:
        return _("the endpoint answered 410 Gone")
    if reason == DASHBOARD_REASON:
        return _("disabled in the dashboard")
    streak = _STREAK.fullmatch(reason or "")
    if streak:
        since = datetime.strptime(streak.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        when = timezones.format_local(since, zone_name or timezones.current_zone(), locale=locale)
        return ngettext("failing continuously since %(when)s (%(num)d failed attempt)",
                        "failing continuously since %(when)s (%(num)d failed attempts)", int(streak.group(2)),
                        when=when)
    return reason
