"""Per-workspace quotas: submissions per month and webhooks per form; over them, a clear 429."""

from datetime import UTC, datetime

from flask import render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.errors import ApiError, error_response, wants_json
from app.core.extensions import db
from app.models import Submission, Webhook
from app.models.base import utcnow
from app.services import quota_counter


class QuotaExceeded(ApiError):
    """A request that would go over a workspace quota: refused out loud, never dropped."""

    def __init__(self, message, retry_after=None):
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        super().__init__(429, message, code="quota_exceeded", headers=headers)


def month_bounds(now=None):
    """The first instant of this UTC month and of the next."""
    now = now or utcnow()
    start = datetime(now.year, now.month, 1, tzinfo=UTC)
    following = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    return start, following


def submissions_this_month(workspace_id):
    start, _following = month_bounds()
    return db.session.scalar(
        select(func.count()).select_from(Submission)
        .where(Submission.workspace_id == workspace_id, Submission.created_at >= start)
    )


def submission_limit():
    from flask import current_app

    return current_app.config["QUOTA_SUBMISSIONS_PER_MONTH"]


def check_submission_quota(workspace_id):
    """Reserve one of this month's submissions; raise QuotaExceeded when the workspace has used them.

    A caller whose submission is then not stored hands it back with release_submission_quota.
    """
    limit = submission_limit()
    start, following = month_bounds()
    if not quota_counter.take(workspace_id, start, lambda: submissions_this_month(workspace_id), limit):
        raise QuotaExceeded(
            _("this form's workspace has received its %(limit)s submissions for this month; nothing was "
              "stored — try again next month or ask the form's owner to raise the limit",
              limit=format_decimal(limit)),
            retry_after=int((following - utcnow()).total_seconds()) + 1,
        )


def release_submission_quota(workspace_id):
    """Hand back the reservation of a submission that was not stored after all."""
    quota_counter.give_back(workspace_id, month_bounds()[0])


def check_webhook_quota(form_id):
    """Raise QuotaExceeded when one more webhook would put the form over QUOTA_WEBHOOKS_PER_FORM."""
    from flask import current_app

    limit = current_app.config["QUOTA_WEBHOOKS_PER_FORM"]
    existing = db.session.scalar(select(func.count()).select_from(Webhook).where(Webhook.form_id == form_id))
    if existing + 1 > limit:
        raise QuotaExceeded(f"a form can have at most {limit} webhooks; delete one before adding another")


def quota_banner(workspace_id):
    """The dashboard's warning when a quota is reached (or nearly), else None."""
    used, limit = submissions_this_month(workspace_id), submission_limit()
    if used >= limit:
        return (f"This workspace has used all {limit} submissions of this month: new submissions are refused "
                "with an error (none are silently dropped) until next month.")
    if used >= 0.9 * limit:
        return f"This workspace has used {used} of its {limit} submissions this month."
    return None


def init_app(app):
    """Answer QuotaExceeded as JSON or a page; the checks are explicit calls."""

    @app.errorhandler(QuotaExceeded)
    def handle_quota_exceeded(error):
        db.session.rollback()
        if wants_json():
            return error_response(error.status, error.message, code=error.code, headers=error.headers)
        template = "public/quota_exceeded.html" if request.blueprint == "public" else "error_quota.html"
        return render_template(template, message=error.message), error.status, error.headers
