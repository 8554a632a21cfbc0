"""Disable a webhook that keeps failing, and tell the workspace owners why."""

import logging
from datetime import timedelta

from flask import current_app

from app.extensions import db
from app.models import Membership, Webhook
from app.models.base import utcnow
from app.observability import audit, streaks
from app.observability.mail import send_mail

log = logging.getLogger(__name__)


def after_failure(webhook_id):
    """Called by the engine after it recorded a failed attempt: disable and notify when it is time."""
    try:
        check_webhook(webhook_id)
    except Exception:  # a notice problem must never break delivery; the next failure checks again
        db.session.rollback()
        log.exception("auto-disable check failed for webhook %s", webhook_id)


def check_webhook(webhook_id, now=None):
    """Disable webhook_id after WEBHOOK_DISABLE_AFTER of continuous failure; notice any new disable.

    Returns the reason when this call disabled it (or noticed the engine's disable), else None.
    """
    now = now or utcnow()
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        return None
    first_failure, failures = streaks.failure_streak(webhook_id)
    if webhook.enabled:
        window = timedelta(seconds=current_app.config["WEBHOOK_DISABLE_AFTER"])
        if first_failure is None or now - first_failure < window:
            return None
        webhook.enabled = False
        webhook.disabled_reason = (
            f"failing continuously since {first_failure:%Y-%m-%d %H:%M} UTC ({failures} failed attempts)"
        )
    elif _already_noticed(webhook):
        return None
    reason = webhook.disabled_reason or "disabled"
    audit.record_webhook_change(
        webhook, action="disabled",
        changes={"enabled": {"from": True, "to": False}, "reason": {"from": None, "to": reason},
                 "failing_since": {"from": None, "to": first_failure.isoformat() if first_failure else None}},
    )
    db.session.commit()
    log.warning("webhook %s disabled: %s", webhook.id, reason)
    notify_owners(webhook, reason)
    return reason


def _already_noticed(webhook):
    latest = db.session.scalar(
        db.select(audit.AuditEvent).where(audit.AuditEvent.webhook_id == webhook.id)
        .order_by(audit.AuditEvent.at.desc(), audit.AuditEvent.id.desc()).limit(1)
    )
    return latest is not None and latest.action == "disabled"


def owner_emails(workspace_id):
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.workspace_id == workspace_id, Membership.role == "owner")
    ).all()
    return sorted(m.user.email for m in memberships)


def notify_owners(webhook, reason):
    """Email the workspace owners that webhook was disabled, why, and where to fix it."""
    link = f"{current_app.config['BASE_URL']}/webhooks/{webhook.id}/deliveries"
    form_name = webhook.form.name if webhook.form else webhook.form_id
    body = (
        f"Formhook stopped sending submissions of the form “{form_name}” to\n\n  {webhook.url}\n\n"
        f"Why: {reason}.\n\n"
        "New submissions are still stored. Open the delivery log to read what the endpoint answered,\n"
        "fix it, then re-enable the webhook — you can resend everything it missed:\n\n"
        f"  {link}\n"
    )
    return send_mail(owner_emails(webhook.workspace_id), f"Webhook disabled: {form_name}", body)
