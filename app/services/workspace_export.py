"""Everything a workspace holds, as one JSON document written a piece at a time.

Forms with their fields and webhooks, then each form's submissions in keyset batches, so memory
stays flat however many there are. Webhooks leave without what can let someone act as the
workspace: no signing secret, credentials masked in the URL, headers and body template.
"""

import json

from app.core.extensions import db
from app.core.redaction import mask_headers, redact
from app.core.tenancy import scoped
from app.models import Form, Submission, Webhook, Workspace
from app.models.base import utcnow
from app.services.submission_rows import in_batches

FORMAT = "formhook-export/1"
BATCH = 500
FORM_SETTINGS = (
    "id", "public_id", "name", "submit_label", "redirect_url", "enabled", "language", "description",
    "thank_you_message", "closed_message", "max_submissions",
)


def form_record(form):
    """A form's settings and fields (no spam token or captcha secret)."""
    record = {name: getattr(form, name) for name in FORM_SETTINGS}
    record["created_at"] = form.created_at.isoformat()
    record["closes_at"] = form.closes_at.isoformat() if form.closes_at else None
    record["fields"] = [field.to_dict() for field in form.fields]
    return record


def webhook_record(webhook):
    """A webhook's settings without its secrets: credentials in URL, headers and template masked."""
    return {
        "id": webhook.id, "form_id": webhook.form_id, "name": webhook.name, "url": redact(webhook.url),
        "method": webhook.method, "format": webhook.format, "headers": mask_headers(webhook.headers),
        "body_template": redact(webhook.body_template), "events": list(webhook.events or []),
        "conditions": webhook.conditions, "enabled": webhook.enabled, "attach_files": webhook.attach_files,
        "rate_limit": webhook.rate_limit, "created_at": webhook.created_at.isoformat(),
    }


def submission_record(submission):
    return {**submission.to_dict(), "status": submission.status}


def form_submissions(form, status=None, batch=BATCH):
    """Every submission of form (of status; None: accepted and held), newest first, a batch in memory at a time."""
    query = scoped(Submission, form.workspace_id).where(Submission.form_id == form.id)
    if status is not None:
        query = query.where(Submission.status == status)
    return in_batches(query, batch)


def form_ids_of(workspace_id):
    """The workspace's form ids, oldest form first."""
    query = scoped(Form, workspace_id).with_only_columns(Form.id).order_by(Form.created_at, Form.id)
    return db.session.scalars(query).all()


def _dump(value):
    return json.dumps(value, ensure_ascii=False, default=str)


def _form_chunks(form, webhooks):
    record = form_record(form)
    record["webhooks"] = [webhook_record(webhook) for webhook in webhooks]
    head = _dump(record)
    yield head[:-1] + ', "submissions": ['
    for number, submission in enumerate(form_submissions(form)):
        yield ("," if number else "") + "\n" + _dump(submission_record(submission))
    yield "]}"


def json_chunks(workspace_id):
    """The export as pieces of text; joined, they are one JSON object."""
    workspace = db.session.get(Workspace, workspace_id)
    head = {
        "format": FORMAT, "exported_at": utcnow().isoformat(),
        "workspace": {"id": workspace.id, "name": workspace.name, "timezone": workspace.timezone},
    }
    yield _dump(head)[:-1] + ', "forms": ['
    for number, form_id in enumerate(form_ids_of(workspace_id)):
        form = db.session.get(Form, form_id)  # loaded one at a time: the batches before let go of it
        webhooks = db.session.scalars(
            scoped(Webhook, workspace_id).where(Webhook.form_id == form_id).order_by(Webhook.created_at, Webhook.id)
        ).all()
        yield ("," if number else "") + "\n"
        yield from _form_chunks(form, webhooks)
    yield "\n]}\n"
