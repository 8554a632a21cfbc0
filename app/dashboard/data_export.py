"""The workspace export as a zip: the JSON document, one CSV of accepted submissions per form, and the files.

zipfile writes to a stream it cannot seek by putting each entry's sizes after its data, so the
archive is sent as it is written and only the piece being compressed is in memory.
"""

import io
import zipfile

from app.core.extensions import db
from app.core.tenancy import scoped
from app.dashboard.csv_export import csv_lines
from app.files.names import safe_name
from app.files.storage import storage
from app.models import Form, StoredFile
from app.models.submissions import ACCEPTED
from app.services import workspace_export

JSON_NAME = "formhook-export.json"
FILE_BATCH = 200


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
            entry.write(chunk.encode() if isinstance(chunk, str) else chunk)
            written = pipe.take()
            if written:
                yield written
    yield pipe.take()


def _stored_files(workspace_id):
    """(entry name, storage key) of the workspace's files, by id, FILE_BATCH rows at a time."""
    last = ""
    while True:
        rows = db.session.execute(
            scoped(StoredFile, workspace_id).with_only_columns(StoredFile.id, StoredFile.name, StoredFile.storage_key)
            .where(StoredFile.id > last).order_by(StoredFile.id).limit(FILE_BATCH)
        ).all()
        for file_id, name, key in rows:
            yield f"files/{file_id}/{safe_name(name)}", key
        if len(rows) < FILE_BATCH:
            return
        last = rows[-1].id


def _file_bytes(key):
    """The object's bytes (one file in memory at a time); a file the store lost is left out."""
    try:
        yield storage().get(key)
    except KeyError:
        return


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
        for name, key in _stored_files(workspace_id):
            yield from _entry(archive, pipe, name, _file_bytes(key))
    yield pipe.take()
