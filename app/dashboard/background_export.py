"""CSV exports written by a job: for a form too big to stream while someone waits, the link comes by mail.

The job writes the same CSV as the download (csv_lines over keyset batches, gzip-compressed
into a temporary file), puts it in the storage under the workspace, and mails the one who asked
a dashboard link that works for EXPORT_TTL. The storage's orphan sweep removes the file after
a day, as it does with every object no stored-file row names.
"""

import gzip
import io
import logging
import tempfile
from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core import queue
from app.core.database import on_commit
from app.core.extensions import db
from app.core.i18n import recipient_locale
from app.dashboard.csv_export import csv_lines
from app.files.storage import storage
from app.models import CsvExport, Form, User, Workspace
from app.models.base import utcnow
from app.services import mail_queue
from app.services.submission_rows import CSV_COLUMNS, in_batches, in_chunks, matching

log = logging.getLogger(__name__)
JOB = "app.dashboard.background_export.write_export"
EXPORT_TTL = timedelta(days=1)
BATCH = 1000
JOB_TIMEOUT = 3600


def request_export(form, user, term, days, by):
    """Add the export of what the list shows (term, days) and queue its job after the caller's commit."""
    since, until = days
    export = CsvExport(workspace_id=form.workspace_id, form_id=form.id, requested_by=user.id, options={
        "q": term or None, "from": since.isoformat() if since else None, "to": until.isoformat() if until else None,
        "headers": by,
    })
    db.session.add(export)
    db.session.flush()
    on_commit(partial(_enqueue, export.id))
    return export


def _enqueue(export_id):
    try:
        queue.enqueue_job(JOB, export_id, job_id=f"csv-export-{export_id}", timeout=JOB_TIMEOUT)
    except queue.QueueUnavailable as exc:
        log.error("could not queue CSV export %s: %s", export_id, exc)


def _moment(text):
    return datetime.fromisoformat(text) if text else None


def write_export(export_id):
    """The job: write the CSV into storage, mark the export ready and mail its link."""
    export = db.session.get(CsvExport, export_id)
    if export is None or export.status != "pending":
        return
    form = db.session.get(Form, export.form_id)
    zone = db.session.get(Workspace, export.workspace_id).timezone
    options = export.options or {}
    days = (_moment(options.get("from")), _moment(options.get("to")))
    rows = in_batches(matching(form, options.get("q"), days), BATCH, CSV_COLUMNS)
    counted = _Counted(rows)
    with tempfile.TemporaryFile() as spool:
        with gzip.GzipFile(fileobj=spool, mode="wb") as packed:
            for chunk in in_chunks(csv_lines(form.fields, counted, options.get("headers", "labels"), zone)):
                packed.write(chunk.encode())
        spool.seek(0)
        storage().put(export.storage_key, spool.read(), "application/gzip")
    export.status, export.row_count, export.finished_at = "ready", counted.count, utcnow()
    export.expires_at = export.finished_at + EXPORT_TTL
    _mail_link(export, form)
    db.session.commit()


class _Counted:
    """An iterator that counts what passes through it."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _mail_link(export, form):
    user = db.session.get(User, export.requested_by) if export.requested_by else None
    if user is None:
        return
    link = f"{current_app.config['BASE_URL']}/exports/{export.id}.csv"
    with force_locale(recipient_locale(user)):
        subject = _("Your CSV export of “%(form)s” is ready", form=form.name)
        body = _(
            "The CSV export of the form “%(form)s” you asked for is ready: %(count)s submissions.\n\n"
            "  %(link)s\n\nThe link works for 24 hours, once you are logged in to the workspace.\n",
            form=form.name, count=f"{export.row_count:,}", link=link,
        )
    mail_queue.add_mail("export", [user.email], subject, body, workspace_id=export.workspace_id, form_id=form.id)


def read_export(export):
    """The export's CSV text in chunks, decompressed as it is read (the stored file is gzip)."""
    packed = gzip.GzipFile(fileobj=io.BytesIO(storage().get(export.storage_key)))
    while chunk := packed.read(64 * 1024):
        yield chunk
