"""Template helpers: attempts in plain language, and the banner for disabled webhooks."""

from flask_login import current_user
from sqlalchemy import select

from app.delivery.policy import describe_status
from app.delivery.transport import Outcome
from app.extensions import db
from app.models import Webhook


def attempt_ok(attempt):
    status = (attempt.response or {}).get("status")
    return attempt.error is None and status is not None and 200 <= status < 300


def attempt_summary(attempt):
    """'HTTP 200', or why it failed as the engine words it ('connection refused', 'HTTP 500' …)."""
    response = attempt.response or {}
    if attempt_ok(attempt):
        return f"HTTP {response['status']} — delivered"
    outcome = Outcome(status=response.get("status"), headers=response.get("headers") or {}, error=attempt.error)
    return describe_status(outcome)


def disabled_webhooks(workspace_id):
    return db.session.scalars(
        select(Webhook).where(Webhook.workspace_id == workspace_id, Webhook.enabled.is_(False),
                              Webhook.disabled_reason.is_not(None)).order_by(Webhook.updated_at.desc())
    ).all()


def register(app):
    app.add_template_global(attempt_ok)
    app.add_template_global(attempt_summary)

    @app.context_processor
    def inject_disabled_webhooks():
        """Webhooks the system switched off in the current workspace, for the banner on every page."""
        def banner_webhooks():
            if not current_user.is_authenticated:
                return []
            from app.auth.workspaces import current_membership

            membership = current_membership()
            return disabled_webhooks(membership.workspace_id) if membership else []

        return {"banner_webhooks": banner_webhooks}
