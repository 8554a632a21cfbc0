"""Template helpers: outcomes in plain words, and the banner for disabled webhooks."""

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user
from sqlalchemy import select

from app.core.extensions import db
from app.models import Webhook
from app.observability.explain import attempt_outcome, delivery_outcome
from app.observability.mail_outcomes import mail_error_text, mail_kind_name, mail_outcome, mail_tries

AUDIT_ACTIONS = {
    "created": lazy_gettext("created"), "updated": lazy_gettext("updated"),
    "enabled": lazy_gettext("enabled"), "disabled": lazy_gettext("disabled"),
    "copy started": lazy_gettext("copy started"), "copy stopped": lazy_gettext("copy stopped"),
}
# the health page's windows, by the label health.WINDOWS gives them
WINDOW_NAMES = {"24 h": lazy_gettext("Last 24 h"), "7 d": lazy_gettext("Last 7 days")}


def audit_action(action):
    """An audit event's action in the page's language (stored in English)."""
    return AUDIT_ACTIONS.get(action, action)


def window_name(label):
    return WINDOW_NAMES.get(label, label)


def audit_value(value):
    """An audited value as the user typed it: text unquoted, no JSON escapes, "(empty)" for nothing."""
    if value is None or value == "" or value == {} or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("on") if value else _("off")
    if isinstance(value, dict) and all(isinstance(item, str) for item in value.values()):
        return "\n".join(f"{name}: {item}" for name, item in value.items())  # headers, one per line
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return str(value)


def disabled_webhooks(workspace_id):
    return db.session.scalars(
        select(Webhook).where(Webhook.workspace_id == workspace_id, Webhook.enabled.is_(False),
                              Webhook.disabled_reason.is_not(None)).order_by(Webhook.updated_at.desc())
    ).all()


def register(app):
    app.add_template_global(attempt_outcome)
    app.add_template_global(delivery_outcome)
    for helper in (mail_outcome, mail_kind_name, mail_error_text, mail_tries):
        app.add_template_global(helper)
    app.add_template_filter(audit_value)
    app.add_template_filter(audit_action)
    app.add_template_filter(window_name)

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
