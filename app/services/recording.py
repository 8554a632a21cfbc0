"""The worker's recording transaction: the attempts, the engine's decisions, and acting on them.

The engine (app/delivery) records a batch and says what should follow; this is where the
app acts on it: a webhook to disable is disabled through the one write path (audited) and its
owners get a notice, all in the same transaction, committed once. The mail leaves afterwards,
through the mail queue (app/services/mail_queue.py), never on this thread.
"""

import logging

from flask import current_app

from app.core.extensions import db
from app.delivery import sender
from app.models import Webhook
from app.services import notices
from app.services.webhooks import set_webhook_enabled

log = logging.getLogger(__name__)


def init_app(app):
    """Register record_batch as the engine's recorder."""
    app.extensions[sender.RECORDER] = record_batch


def record_batch(items, schedule):
    """Record the sent attempts and act on what the engine decided, in one commit; return the retries."""
    recorded = sender.record_outcomes(items, schedule, current_app.config["WEBHOOK_DISABLE_AFTER"])
    act_on(recorded)
    db.session.commit()  # queues the notices' mail jobs (mail_queue.add_mail)
    sender.log_recorded(recorded)
    return recorded.retries


def act_on(recorded):
    """Disable the webhooks the engine gave up on and write their owners' notices; return the notices."""
    written = []
    for webhook_id, disable in recorded.disables.items():
        webhook = db.session.get(Webhook, webhook_id)
        if webhook is None or not set_webhook_enabled(
            webhook, False, reason=disable.reason, failing_since=disable.failing_since,
        ):
            continue
        log.warning("webhook %s disabled: %s", webhook.id, disable.reason)
        written.extend(notices.add_webhook_disabled_notices(webhook, disable.reason))
    return written
