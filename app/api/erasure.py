"""Deleting data over the API: one submission, a person's data on request, and the workspace export."""

from flask import Response, g, jsonify, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import select

from app.api import bp
from app.api.inputs import find_or_404, json_body
from app.auth.team import MANAGER_ROLES
from app.core.errors import ApiError
from app.core.extensions import db
from app.models import Membership, Submission
from app.services import data_requests, workspace_export
from app.services.audit import api_key_actor
from app.services.email_matches import masked_email

MAX_EMAIL_LENGTH = 254


def _key_role():
    """The role in the workspace of the member who made the request's key."""
    return db.session.scalar(select(Membership.role).where(
        Membership.workspace_id == g.workspace_id, Membership.user_id == g.api_key.user_id,
    ))


def _require_role(roles, message):
    if _key_role() not in roles:
        raise ApiError(403, message)


def _email_from_body():
    email = json_body().get("email")
    if not isinstance(email, str) or not email.strip():
        raise ApiError(422, _("some values are missing or invalid"), {"email": _("an email address is required")})
    email = email.strip()
    local, at, domain = email.rpartition("@")
    if len(email) > MAX_EMAIL_LENGTH or not (local and at and "." in domain) or any(c.isspace() for c in email):
        raise ApiError(422, _("some values are missing or invalid"), {"email": _("enter a valid email address")})
    return email


@bp.delete("/submissions/<submission_id>")
def delete_submission(submission_id):
    """Delete one submission with its files, deliveries and attempts, mails and inspector copies."""
    submission = find_or_404(Submission, submission_id, "submission")
    data_requests.delete_submission(submission, actor=api_key_actor(g.api_key))
    return "", 204


@bp.post("/erasure/preview")
def preview_erasure():
    """How many of the workspace's submissions hold an email; nothing is deleted."""
    _require_role(MANAGER_ROLES, _("only owners and admins can delete data on request"))
    email = _email_from_body()
    count = data_requests.preview_email(g.workspace_id, email)
    return jsonify({"email": masked_email(email), "submissions": count})


@bp.post("/erasure")
def erase_by_email():
    """Delete every submission of the workspace holding an email, with every trace; say what went."""
    _require_role(MANAGER_ROLES, _("only owners and admins can delete data on request"))
    email = _email_from_body()
    event = data_requests.erase_email(g.workspace_id, email, actor=api_key_actor(g.api_key))
    return jsonify({"id": event.id, "email": event.changes["email"], "removed": event.changes["removed"],
                    "at": event.at.isoformat()})


@bp.get("/export")
def export_workspace():
    """Stream everything the workspace holds as one JSON document (owners only)."""
    _require_role(("owner",), _("only owners can export the workspace's data"))
    return Response(
        stream_with_context(workspace_export.json_chunks(g.workspace_id)), mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="formhook-export.json"', "Cache-Control": "no-store"},
    )
