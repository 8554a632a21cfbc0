"""Submissions as CSV rows: one column per field, then the meta, safe to open in a spreadsheet."""

import csv
import io
import re

BOM = "\ufeff"
META_COLUMNS = (
    "referrer", "page_referrer", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "user_agent",
)
# a cell starting like a formula runs in Excel/Sheets; plain numbers and phone numbers (+33 …) stay as they are
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9][0-9 .()]*$")


def _cell(value):
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    text = "" if value is None else str(value)
    return "'" + text if FORMULA_START.match(text) and not PLAIN_NUMBER.match(text) else text


def csv_lines(field_keys, submissions):
    """Yield the CSV text line by line, starting with a UTF-8 BOM so Excel reads accents right."""
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
            *(_cell(answers.get(key)) for key in field_keys),
            *(_cell(meta.get(name)) for name in META_COLUMNS),
        ])
        yield flush()
