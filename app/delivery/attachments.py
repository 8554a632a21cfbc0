"""Uploaded files in a delivery: fresh signed links in the answers, and the bytes for a webhook that attaches them."""

from sqlalchemy import select

from app.core.extensions import db
from app.delivery.payloads import FORMATS, Attachment
from app.files import links
from app.files.storage import storage
from app.models import StoredFile


def with_file_links(data):
    """The event data with a signed url in every file object, valid FILE_URL_TTL from this attempt."""
    submission = data.get("submission")
    if not submission or not submission.get("answers"):
        return data
    return {**data, "submission": {**submission, "answers": links.with_links(submission["answers"])}}


def files_to_attach(webhook, data):
    """The Attachments a webhook with attach_files sends: every stored file of the submission's answers.

    A file deleted since (its submission was deleted) is left out; its link then answers 404.
    """
    entry = FORMATS.get(webhook.format)
    if not webhook.attach_files or webhook.body_template or entry is None or not entry.attaches:
        return ()
    answers = (data.get("submission") or {}).get("answers") or {}
    wanted = [(key, item["id"]) for key, value in answers.items() if links.is_file_answer(value) for item in value]
    if not wanted:
        return ()
    rows = {row.id: row for row in db.session.scalars(
        select(StoredFile).where(StoredFile.id.in_([file_id for _, file_id in wanted]),
                                 StoredFile.workspace_id == webhook.workspace_id)
    )}
    attached = []
    for key, file_id in wanted:
        row = rows.get(file_id)
        if row is None:
            continue
        try:
            data_bytes = storage().get(row.storage_key)
        except KeyError:
            continue
        attached.append(Attachment(key, row.name, row.content_type, data_bytes))
    return tuple(attached)
