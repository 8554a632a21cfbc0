"""The workspace export as a zip: the JSON document, and one CSV of accepted submissions per form, streamed.

zipfile writes to a stream it cannot seek by putting each entry's sizes after its data, so the
archive is sent as it is written and only the piece being compressed is in memory.
"""

import io
import zipfile

from app.core.extensions import db
from app.dashboard.csv_export import csv_lines
from app.models import Form
from app.models.submissions import ACCEPTED
from app.services import workspace_export

JSON_NAME = "formhook-export.json"


class _Pipe(io.RawIOBase):
    """A write-only stream that hands back what was written since it was last asked."""

    def __init__(self):
        super().__init__()
        self._pieces = []

    def writable(self):
        return True

    def write(self, data):
        self._pieces.append(bytes(data))
        return len(data)

    def take(self):
        written = b"".join(self._pieces)
        self._pieces.clear()
        return written


def _entry(archive, pipe, name, chunks):
    with archive.open(name, "w", force_zip64=True) as entry:
        for chunk in chunks:
            entry.write(chunk.encode())
            written = pipe.take()
            if written:
                yield written
    yield pipe.take()


def zip_chunks(workspace_id, zone_name):
    """The zip's bytes, a piece at a time."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        yield from _entry(archive, pipe, JSON_NAME, workspace_export.json_chunks(workspace_id))
        for form_id in workspace_export.form_ids_of(workspace_id):
            form = db.session.get(Form, form_id)
            rows = workspace_export.form_submissions(form, ACCEPTED)  # as the form's own CSV export
            yield from _entry(archive, pipe, f"submissions/{form.public_id}.csv",
                              csv_lines(list(form.fields), rows, "labels", zone_name))
    yield pipe.take()
