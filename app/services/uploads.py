"""Keeping a submission's files: quota, bytes to storage before the commit, rows in its transaction.

Writing the bytes first means a committed submission never names a missing file; a submission
that fails to commit takes its objects back with it (discard), and whatever a crash leaves
behind is removed by the orphan sweep (app/services/file_sweep.py).
"""

import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.errors import ApiError
from app.core.extensions import db
from app.files.storage import StorageError, storage
from app.models import StoredFile
from app.models.ids import new_id

log = logging.getLogger(__name__)


class StorageQuotaExceeded(ApiError):
    """The files would put the workspace over QUOTA_STORAGE_BYTES: 413, naming the field."""

    def __init__(self, message, fields):
        super().__init__(413, message, fields, code="storage_quota_exceeded")


def uploads_of(wtf_form):
    """{field key: [Upload]} of the checked files in a validated submission form."""
    return {field.name: field.uploads for field in wtf_form if getattr(field, "uploads", None)}


def storage_used(workspace_id):
    """Bytes of the workspace's stored files."""
    return db.session.scalar(
        select(func.coalesce(func.sum(StoredFile.size), 0)).where(StoredFile.workspace_id == workspace_id)
    )


def check_storage_quota(workspace_id, uploads):
    adding = sum(upload.size for files in uploads.values() for upload in files)
    limit = current_app.config["QUOTA_STORAGE_BYTES"]
    if adding and storage_used(workspace_id) + adding > limit:
        message = _("this form's workspace has no room left for files (its storage quota is full); nothing was stored")
        raise StorageQuotaExceeded(message, {key: _("no room left for this file") for key in uploads})


def keep_files(submission, uploads):
    """Write every upload to storage and add its row; put the file objects in the answers.

    Returns the rows added (to discard if the submission does not commit). The caller commits.
    """
    check_storage_quota(submission.workspace_id, uploads)
    rows, answers = [], dict(submission.answers or {})
    try:
        for key, files in uploads.items():
            objects = []
            for upload in files:
                file_id = new_id("fil")
                row = StoredFile(
                    id=file_id, workspace_id=submission.workspace_id, form_id=submission.form_id,
                    submission_id=submission.id, field_key=key, name=upload.name, size=upload.size,
                    content_type=upload.content_type, storage_key=f"{submission.workspace_id}/{file_id}",
                )
                try:
                    storage().put(row.storage_key, upload.data, upload.content_type)
                except StorageError as exc:
                    raise ApiError(503, _("files cannot be stored right now, try again in a moment"),
                                   headers={"Retry-After": "5"}) from exc
                rows.append(row)
                objects.append(row.to_dict())
            answers[key] = objects
    except Exception:
        discard(rows)
        raise
    submission.answers = answers
    db.session.add_all(rows)
    return rows


def discard(rows):
    """Remove the objects of rows that will not be committed (a failed submission)."""
    delete_objects([row.storage_key for row in rows])


def delete_objects(keys):
    """Delete these objects; one the store will not delete now is left for the orphan sweep."""
    for key in keys:
        try:
            storage().delete(key)
        except Exception:  # the store is away: the sweep removes it once no row names it
            log.warning("could not delete %s now; the orphan sweep will", key)

