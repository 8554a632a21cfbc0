"""Submissions as CSV rows: one column per field (headed by its label), then the meta, safe in a spreadsheet."""

import csv
import io
import re

from app.fields import field_type
from app.fields.base import FieldType

BOM = "\ufeff"
META_COLUMNS = (
    "referrer", "page_referrer", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "user_agent",
)
# a cell starting like a formula runs in Excel/Sheets; plain numbers and phone numbers (+33 …) stay as they are
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 .()]*$")
PLAIN = FieldType()  # meta values are plain text


def _cell(value, kind=PLAIN):
    """The value as its type writes it, made safe to open in a spreadsheet."""
    text = kind.csv_value(value)
    return "'" + text if FORMULA_START.match(text) and not PLAIN_NUMBER.match(text) else text


META_LABELS = {
    "referrer": "Referrer", "page_referrer": "Page referrer", "utm_source": "UTM source", "utm_medium": "UTM medium",
    "utm_campaign": "UTM campaign", "utm_term": "UTM term", "utm_content": "UTM content", "user_agent": "User agent",
}


def header_row(fields, by="labels"):
    """The first row: the fields' labels (what people read), or their keys (what scripts and webhooks use)."""
    if by == "keys":
        return ["submission_id", "created_at", *(field.key for field in fields), *(f"meta_{n}" for n in META_COLUMNS)]
    return ["Submission", "Created at (UTC)", *(field.label or field.key for field in fields),
            *(META_LABELS[name] for name in META_COLUMNS)]


def csv_lines(fields, submissions, by="labels"):
    """Yield the CSV text line by line, starting with a UTF-8 BOM so Excel reads accents right.

    The first row holds the fields' labels, or their keys with by="keys".
    """
    fields = [field for field in fields if field_type(field.type).takes_answer]
    field_keys = [field.key for field in fields]
    kinds = [field_type(field.type) for field in fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([_cell(name) for name in header_row(fields, by)])
    yield BOM + flush()
    for submission in submissions:
        answers, meta = submission.answers or {}, submission.meta or {}
        writer.writerow([
            submission.id, submission.created_at.isoformat(),
            *(_cell(answers.get(key), kind) for key, kind in zip(field_keys, kinds, strict=True)),
            *(_cell(meta.get(name)) for name in META_COLUMNS),
        ])
        yield flush()
