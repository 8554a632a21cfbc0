"""A workspace where one person (ana@example.com) left traces everywhere, and a scan of every table for them."""

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.core.extensions import db
from app.models import CaptureBin, Membership, Submission, Webhook
from app.models.base import utcnow
from app.services import digests
from tests.conftest import drain, make_form, make_webhook
from tests.upload_support import as_rows, pdf_bytes

EMAIL = "ana@example.com"
TEAM = "Team"
# the address as a whole, any case: not inside jimana@example.com or ana@example.com.au
TRACE = re.compile(r"(?<![\w.+-])ana@example\.com(?![\w-]|\.\w)", re.IGNORECASE)
LEAD_FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "note", "label": "Note", "type": "textarea"},
]
CV_FIELDS = [*LEAD_FIELDS, {"key": "cv", "label": "CV", "type": "file"}]
NOTIFY = {"emails": ["team@example.com"], "autoresponder": {"field": "email", "subject": "", "body": ""}}


@dataclass
class Seeded:
    workspace_id: str
    cv_form: str
    cv_public: str
    lead_form: str
    lead_public: str
    ana: list = field(default_factory=list)  # submission ids that hold the address
    others: list = field(default_factory=list)  # submission ids that do not


def post(client, public_id, answers, cv=None):
    data = dict(answers)
    if cv is not None:
        data["cv"] = (io.BytesIO(cv), "cv.pdf")
    response = client.post(f"/f/{public_id}", data=data, content_type="multipart/form-data",
                           headers={"Accept": "application/json"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["submission_id"]


def seed(app, client, accounts, receiver, email="owner@example.com"):
    """Two forms, webhooks (one copied to an inspector bin), mails and a digest, files, a held spam post.

    The last submission's delivery is left queued, not sent.
    """
    _, workspace_id = accounts.user(email)
    cv_form, cv_public = make_form(app, workspace_id, as_rows(CV_FIELDS), name="Jobs", notifications=NOTIFY)
    lead_form, lead_public = make_form(app, workspace_id, LEAD_FIELDS, name="Leads",
                                       notifications={"emails": ["team@example.com"], "digest": "hourly"})
    with app.app_context():
        capture = CaptureBin(workspace_id=workspace_id, name="copies", expires_at=utcnow() + timedelta(days=1))
        db.session.add(capture)
        db.session.commit()
        bin_id = capture.id
    make_webhook(app, cv_form, receiver.url + "/jobs", mirror_bin_id=bin_id)
    make_webhook(app, lead_form, receiver.url + "/leads")
    seeded = Seeded(workspace_id, cv_form, cv_public, lead_form, lead_public)
    seeded.ana.append(post(client, cv_public, {"name": "Ana", "email": EMAIL}, cv=pdf_bytes("Ana CV")))
    seeded.others.append(post(client, cv_public, {"name": "Jim", "email": "jim@example.com",
                                                   "note": "cc jimana@example.com"}, cv=pdf_bytes("Jim CV")))
    seeded.ana.append(post(client, lead_public, {"name": "Ana", "email": "Ana@Example.COM"}))
    seeded.ana.append(post(client, lead_public, {"name": "Carol", "email": "carol@example.com",
                                                  "note": f"my friend {EMAIL}."}))
    seeded.others.append(post(client, lead_public, {"name": "Dan", "email": "dan@example.com"}))
    with app.app_context():
        held = Submission(workspace_id=workspace_id, form_id=lead_form, status="spam",
                          answers={"name": "Ana", "email": EMAIL}, meta={}, spam_reasons=[{"code": "too_fast"}])
        db.session.add(held)
        db.session.commit()
        seeded.ana.append(held.id)
    drain(app)
    with app.app_context():
        assert digests.send_due(utcnow() + timedelta(days=2)) == 1  # the held owner mails, bundled
    seeded.ana.append(post(client, cv_public, {"name": "Ana", "email": EMAIL}, cv=pdf_bytes("Ana again")))
    return seeded


def traces(app, pattern=TRACE):
    """Every table row (as text) that holds the address; webhook secrets and URLs are ciphertext, never it."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(select(table)).all():
                text = " ".join(str(value) for value in row)
                if pattern.search(text):
                    found.append(f"{table.name}: {text[:300]}")
        db.session.remove()
    return found


def webhook_ids(app, workspace_id):
    with app.app_context():
        return db.session.scalars(select(Webhook.id).where(Webhook.workspace_id == workspace_id)).all()


@pytest.fixture(name="team")
def team_fixture(app, accounts):
    """A workspace with an owner, an admin and a member; its Leads form and one webhook with credentials."""
    _, workspace_id = accounts.user("owner@example.com", workspace=TEAM)
    for email, role in (("admin@example.com", "admin"), ("member@example.com", "member")):
        user_id, _ = accounts.user(email, workspace=TEAM)
        with app.app_context():
            db.session.execute(update(Membership).where(Membership.user_id == user_id).values(role=role))
            db.session.commit()
    form_id, public_id = make_form(app, workspace_id, LEAD_FIELDS, name="Leads")
    make_webhook(app, form_id, "http://127.0.0.1:9/hook?token=crm-token-123",
                 headers={"Authorization": "Bearer header-secret-456", "X-Campaign": "spring"})
    return {"workspace_id": workspace_id, "form_id": form_id, "public_id": public_id}
