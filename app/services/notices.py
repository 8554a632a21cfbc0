"""Owner notices: the mail telling a workspace's owners that a webhook was disabled.

Written in the transaction of the disable, sent through the mail queue (mail_queue.py).
"""

from flask import current_app
from flask_babel import gettext as _

from app.core.extensions import db
from app.models import Membership
from app.services import mail_queue


def owner_emails(workspace_id):
    """The workspace owners' addresses, sorted."""
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.workspace_id == workspace_id, Membership.role == "owner")
    ).all()
    return sorted(m.user.email for m in memberships)


def add_webhook_disabled_notice(webhook, reason):
    """Add the mail telling the owners that webhook was disabled, why, and where to fix it."""
    link = f"{current_app.config['BASE_URL']}/webhooks/{webhook.id}/deliveries"
    form_name = webhook.form.name if webhook.form else webhook.form_id
    body = _(
        "Formhook stopped sending submissions of the form “%(form)s” to\n\n  %(url)s\n\n"
        "Why: %(reason)s.\n\n"
        "New submissions are still stored. Open the delivery log to read what the endpoint answered,\n"
        "fix it, then re-enable the webhook — you can resend everything it missed:\n\n"
        "  %(link)s\n",
        form=form_name, url=webhook.url, reason=reason, link=link,
    )
    return mail_queue.add_mail(
        "webhook_disabled", owner_emails(webhook.workspace_id), _("Webhook disabled: %(form)s", form=form_name),
        body, workspace_id=webhook.workspace_id, webhook_id=webhook.id, form_id=webhook.form_id,
    )


def send_notice(notice_id):
    """A mail job queued before notices became mails (its path is kept in Redis)."""
    return mail_queue.send_queued_mail(notice_id)
