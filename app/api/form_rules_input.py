"""Checking a form's design, closing rules and thank-you/redirect templates sent to the API."""

import re
from datetime import UTC, datetime

from flask_babel import gettext as _

from app.core.safe_text import unstorable_reason
from app.design.description import MAX_DESCRIPTION
from app.design.page import MAX_IMAGE_URL, https_url
from app.design.themes import clean_theme
from app.services import piping
from app.services.closing import CLOSED_MESSAGE_MAX, MAX_SUBMISSIONS_LIMIT
from app.services.piping import TemplateError
from app.services.retention import MAX_RETENTION_DAYS

# RFC 3339, as the OpenAPI document's date-time: seconds and an offset (Z or ±hh:mm) are required
CLOSES_AT_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$"
TEXTS = {"description": MAX_DESCRIPTION, "closed_message": CLOSED_MESSAGE_MAX, "thank_you_message": 2000}
IMAGES = ("cover_image_url", "logo_url")
SETTINGS = (*TEXTS, *IMAGES, "theme", "closes_at", "max_submissions", "submission_retention_days")


def _optional_text(value, limit):
    """(clean, message): a string up to limit characters, or null."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        return None, _("must be a string or null")
    if len(value) > limit:
        return None, _("must be at most %(limit)s characters", limit=limit)
    return value, unstorable_reason(value)


def _closes_at(value):
    """(clean, message): an ISO-8601 date and time with its offset, kept in UTC; or null."""
    if value is None:
        return None, None
    try:
        well_formed = isinstance(value, str) and re.match(CLOSES_AT_PATTERN, value)
        moment = datetime.fromisoformat(value) if well_formed else None
    except ValueError:  # e.g. month 13
        moment = None
    if moment is None:
        return None, _("must be an ISO-8601 date and time with its offset, such as 2026-12-31T17:00:00Z, or null")
    return moment.astimezone(UTC), None


def _whole_number(value, highest):
    """Whether value is null or a whole number from 1 to highest (true and false are not numbers)."""
    return value is None or (not isinstance(value, bool) and isinstance(value, int) and 1 <= value <= highest)


def _max_submissions(value):
    if not _whole_number(value, MAX_SUBMISSIONS_LIMIT):
        return None, _("must be a whole number from 1 to %(max)s, or null", max=MAX_SUBMISSIONS_LIMIT)
    return value, None


def _retention_days(value):
    if not _whole_number(value, MAX_RETENTION_DAYS):
        return None, _("must be a whole number of days from 1 to %(max)s, or null", max=MAX_RETENTION_DAYS)
    return value, None


def validate_rules(data, current_theme=None):
    """Return (clean, {name: message}) for the design and closing settings present in data."""
    clean, errors = {}, {}
    checkers = {name: (lambda value, limit=limit: _optional_text(value, limit)) for name, limit in TEXTS.items()}
    checkers.update(closes_at=_closes_at, max_submissions=_max_submissions, submission_retention_days=_retention_days)
    for name, check in checkers.items():
        if name in data:
            clean[name], message = check(data[name])
            if message:
                errors[name] = str(message)
    for name in IMAGES:
        if name in data:
            value = data[name]
            clean[name] = https_url(value) if value not in (None, "") else None
            if value not in (None, "") and clean[name] is None:
                errors[name] = _("must be an https:// URL of at most %(limit)s characters, or null",
                                 limit=MAX_IMAGE_URL)
    if "theme" in data:
        # null: follow the workspace's default theme; an object: these settings over the current ones
        if data["theme"] is None:
            clean["theme"] = None
        else:
            clean["theme"], theme_errors = clean_theme(data["theme"], current_theme)
            errors.update(theme_errors)
    return clean, errors


def template_problems(clean, field_keys):
    """{name: message} for a thank-you message or redirect URL template that cannot be saved."""
    errors = {}
    checks = {"thank_you_message": piping.check_thank_you, "redirect_url": piping.check_redirect}
    for name, check in checks.items():
        if clean.get(name):
            try:
                check(clean[name], field_keys)
            except TemplateError as exc:
                errors[name] = str(exc)
    return errors
