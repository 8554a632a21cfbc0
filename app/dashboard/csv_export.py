"""Submissions as CSV rows: one column per field (headed by its label), then the meta, safe in a spreadsheet."""

import csv
import io
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import timezones
from app.fields import field_type
from app.fields.base import FieldType

BOM = "\ufeff"
META_COLUMNS = (
    "referrer", "page_referrer", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "user_agent",
)
# a cell starting like a formula runs in Excel/Sheets; plain numbers and phone numbers (+33 …) stay as they are
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 .()]*$")
# Excel reads such a cell as a number: it drops a leading zero (081234567891), the + of E.164, and the
# digits past 15 of a 16-digit id, and shows 12 digits or more as 6.28E+12
LEADING_ZERO_OR_PLUS = re.compile(r"^(?:0[0-9]|\+)")
MOST_DIGITS_SHOWN = 11
PLAIN = FieldType()  # meta values are plain text
LOCAL_TIME = "%Y-%m-%d %H:%M:%S"


def excel_would_change(text):
    """Whether Excel would turn this text of digits into a different number, or show it in E notation."""
    if not PLAIN_NUMBER.match(text):
        return False
    return bool(LEADING_ZERO_OR_PLUS.match(text)) or sum(char.isdigit() for char in text) > MOST_DIGITS_SHOWN


def _cell(value, kind=PLAIN, for_people=False):
    """The value as its type writes it, made safe to open in a spreadsheet.

    For people (the labelled export), digits Excel would change are written as ="…", Excel's text
    formula (Google Sheets reads it the same way): only digits, spaces and + ( ) . are ever inside
    the quotes, so it can carry nothing else.
    """
    text = kind.csv_value(value)
    if for_people and excel_would_change(text):
        return f'="{text}"'
    return "'" + text if FORMULA_START.match(text) and not PLAIN_NUMBER.match(text) else text


META_LABELS = {
    "referrer": _l("Referrer"), "page_referrer": _l("Page referrer"), "utm_source": _l("UTM source"),
    "utm_medium": _l("UTM medium"), "utm_campaign": _l("UTM campaign"), "utm_term": _l("UTM term"),
    "utm_content": _l("UTM content"), "user_agent": _l("User agent"),
}


def header_row(fields, by="labels", zone_name=timezones.DEFAULT_ZONE):
    """The first row: the fields' labels (what people read), or their keys (what scripts and webhooks use)."""
    if by == "keys":
        return ["submission_id", "created_at", *(field.key for field in fields), *(f"meta_{n}" for n in META_COLUMNS)]
    return [_("Submission"), _("Created at (%(zone)s)", zone=zone_name),
            *(field.label or field.key for field in fields), *(str(META_LABELS[name]) for name in META_COLUMNS)]


def created_cell(moment, by, zone_name):
    """When it arrived, in the workspace's zone: `2026-12-02 21:44:05 WIB`, or ISO-8601 with the offset for scripts."""
    local = timezones.to_local(moment, zone_name)
    if by == "keys":
        return local.isoformat()
    return f"{local.strftime(LOCAL_TIME)} {local.tzname() or zone_name}"


def csv_lines(fields, submissions, by="labels", zone_name=timezones.DEFAULT_ZONE):
    """Yield the CSV text line by line, starting with a UTF-8 BOM so Excel reads accents right.

    The first row holds the fields' labels, or their keys with by="keys"; times are in zone_name.
    """
    fields = [field for field in fields if field_type(field.type).takes_answer]
    field_keys = [field.key for field in fields]
    kinds = [field_type(field.type) for field in fields]
    for_people = by != "keys"
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([_cell(name) for name in header_row(fields, by, zone_name)])
    yield BOM + flush()
    for submission in submissions:
        answers, meta = submission.answers or {}, submission.meta or {}
        writer.writerow([
            submission.id, created_cell(submission.created_at, by, zone_name),
            *(_cell(answers.get(key), kind, for_people) for key, kind in zip(field_keys, kinds, strict=True)),
            *(_cell(meta.get(name)) for name in META_COLUMNS),
        ])
        yield flush()
