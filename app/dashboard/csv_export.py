"""Submissions as CSV rows: one column per field, then the meta, safe to open in a spreadsheet."""

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


def csv_lines(fields, submissions):
    """Yield the CSV text line by line, starting with a UTF-8 BOM so Excel reads accents right."""
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

    writer.writerow(["submission_id", "created_at", *field_keys, *(f"meta_{name}" for name in META_COLUMNS)])
    yield BOM + flush()
    for submission in submissions:
        answers, meta = submission.answers or {}, submission.meta or {}
        writer.writerow([
            submission.id, submission.created_at.isoformat(),
            *(_cell(answers.get(key), kind) for key, kind in zip(field_keys, kinds, strict=True)),
            *(_cell(meta.get(name)) for name in META_COLUMNS),
        ])
        yield flush()
