"""Owner notices: the mail telling a workspace's owners that a webhook was disabled.

Written in the transaction of the disable, sent through the mail queue (mail_queue.py).
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core import timezones
from app.core.extensions import db
from app.core.i18n import DEFAULT_LANGUAGE, recipient_locale
from app.models import Membership, Workspace
from app.models.base import utcnow
from app.services import disabled_reasons, mail_queue


def owners_by_language(workspace_id):
    """The workspace owners' addresses, sorted, by the language each is mailed in."""
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.workspace_id == workspace_id, Membership.role == "owner")
    ).all()
    grouped = {}
    for membership in memberships:
        grouped.setdefault(recipient_locale(membership.user), []).append(membership.user.email)
    return {locale: sorted(emails) for locale, emails in sorted(grouped.items())}


def add_webhook_disabled_notices(webhook, reason):
    """Add the mails telling the owners, each in their language, that webhook was disabled; return them.

    One mail per language the owners read; the time is the workspace's wall clock (`21:44 WIB`).
    """
    link = f"{current_app.config['BASE_URL']}/webhooks/{webhook.id}/deliveries"
    form_name = webhook.form.name if webhook.form else webhook.form_id
    workspace = db.session.get(Workspace, webhook.workspace_id)
    zone_name = workspace.timezone if workspace else None
    added = []
    for locale, recipients in owners_by_language(webhook.workspace_id).items() or [(DEFAULT_LANGUAGE, [])]:
        with force_locale(locale):
            body = _(
                "Formhook stopped sending submissions of the form “%(form)s” to\n\n  %(url)s\n\n"
                "When: %(when)s.\nWhy: %(reason)s.\n\n"
                "New submissions are still stored. Open the delivery log to read what the endpoint answered,\n"
                "fix it, then re-enable the webhook — you can resend everything it missed:\n\n"
                "  %(link)s\n",
                form=form_name, url=webhook.url, when=timezones.format_local(utcnow(), zone_name, locale=locale),
                reason=disabled_reasons.reason_text(reason, zone_name, locale), link=link,
            )
            subject = _("Webhook disabled: %(form)s", form=form_name)
        added.append(mail_queue.add_mail(
            "webhook_disabled", recipients, subject, body,
            workspace_id=webhook.workspace_id, webhook_id=webhook.id, form_id=webhook.form_id,
        ))
    return added


def send_notice(notice_id):
    """A mail job queued before notices became mails (its path is kept in Redis)."""
    return mail_queue.send_queued_mail(notice_id)
