"""Accounts, forms and webhooks for a bench run, and pre-queued deliveries."""

import time

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.core.extensions import db
from app.delivery import outbox
from app.models import Delivery, Field, Form, Submission, Webhook, Workspace
from app.models.base import utcnow
from app.models.ids import new_id

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "sent_at", "label": "Sent at", "type": "text", "required": False},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
]
# the seed's own example: a templated query string expanded on every delivery
URL_QUERY = "campaign_name={{ campaign_name }}&lead={{ name }}"


def reset_schema(app):
    with app.app_context():
        db.drop_all()
        db.create_all()
    app.redis.flushdb()


def empty(app, attempts=5):
    """Delete every row and every Redis key between scenarios.

    Posts the load generator left in flight may still be committing: on PostgreSQL the two
    can deadlock, and the delete is tried again once they are done.
    """
    with app.app_context():
        for attempt in range(attempts):
            try:
                for table in reversed(db.metadata.sorted_tables):
                    db.session.execute(table.delete())
                db.session.commit()
                break
            except OperationalError:
                db.session.rollback()
                if attempt == attempts - 1:
                    raise
                time.sleep(1)
        db.session.remove()
    app.redis.flushdb()


UPLOAD_FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "cv", "label": "CV", "type": "file", "required": True, "settings": {"max_files": 1, "accept": ["pdf"]}},
]


def make_forms(app, urls, fields=FIELDS, one_workspace=False):
    """One workspace (or one for all), form and webhook per URL (tenants); return the forms' public ids."""
    public_ids = []
    workspace = None
    with app.app_context():
        for number, url in enumerate(urls):
            if workspace is None or not one_workspace:
                workspace = Workspace(name=f"Tenant {number}")
                db.session.add(workspace)
                db.session.flush()
            # a load generator cannot solve the proof-of-work and sends one body again and again:
            # those two checks are off, the others (links, block lists) are paid on every post
            form = Form(workspace_id=workspace.id, name=f"Leads {number}",
                        spam_settings={"challenge": False, "duplicates": False})
            for position, data in enumerate(fields):
                form.fields.append(Field(position=position, **data))
            db.session.add(form)
            db.session.flush()
            separator = "&" if "?" in url else "?"
            db.session.add(Webhook(workspace_id=workspace.id, form_id=form.id, url=f"{url}{separator}{URL_QUERY}"))
            public_ids.append(form.public_id)
        db.session.commit()
        db.session.remove()
    return public_ids


def count_rows(app, model):
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
        return count


def queue_deliveries(app, count, public_ids=None):
    """count submissions spread over every form (or those public_ids), their deliveries stored and enqueued."""
    with app.app_context():
        query = select(Form) if public_ids is None else select(Form).where(Form.public_id.in_(public_ids))
        forms = db.session.scalars(query.order_by(Form.created_at)).all()
        pending = []
        for number in range(count):
            form = forms[number % len(forms)]
            submission = Submission(
                id=new_id("sub"), workspace_id=form.workspace_id, form_id=form.id, created_at=utcnow(),
                answers={"name": f"Lead {number}", "email": f"lead{number}@example.com",
                         "sent_at": "", "campaign_name": "spring"},
                meta={"user_agent": "bench"},
            )
            db.session.add(submission)
            pending.extend(outbox.add_submission_deliveries(form, submission))
            if len(pending) >= 500:
                db.session.commit()
                outbox.enqueue_pending(pending)
                pending = []
        db.session.commit()
        outbox.enqueue_pending(pending)
        db.session.remove()


def count_deliveries(app, status):
    with app.app_context():
        value = db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == status))
        db.session.remove()
        return value


def wait_for_deliveries(app, status, count, timeout, poll=0.05):
    """Wait until count deliveries have status; return the time that was reached, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if count_deliveries(app, status) >= count:
            return time.time()
        time.sleep(poll)
    return None
