"""What opening or ending a listen session does to the app's own rows."""

from sqlalchemy import select

from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Delivery, Webhook
from app.services.deliveries import retry_now
from app.services.webhooks import save_webhook, validate_webhook

# a client that connects sends the newest waiting deliveries at once; older ones keep their schedule
BRING_FORWARD_AT_MOST = 100
LOCAL_WEBHOOK_NAME = "Local (listen)"
EVERYWHERE = ("0.0.0.0/0", "::/0")


def bring_forward(webhook):
    """Queue now the webhook's deliveries waiting for a retry (a listen client just connected); the caller commits."""
    if not webhook.enabled:
        return 0
    waiting = db.session.scalars(
        select(Delivery).where(Delivery.webhook_id == webhook.id, Delivery.status == "retrying")
        .order_by(Delivery.id.desc()).limit(BRING_FORWARD_AT_MOST)
    ).all()
    for delivery in waiting:
        retry_now(delivery)
    return len(waiting)


def local_webhook(form, url, actor):
    """The form's local webhook (made the first time), its URL set to url; (webhook, errors, warnings).

    Its deliveries only ever go to a listen client (Webhook.listen_only): the URL is the user's
    own local address, which the worker never connects to, so no address is refused here.
    """
    clean, errors, warnings = validate_webhook({"url": url}, form.field_types(), EVERYWHERE, partial=True)
    if errors:
        return None, errors, warnings
    existing = db.session.scalar(
        scoped(Webhook, form.workspace_id).where(Webhook.form_id == form.id, Webhook.listen_only.is_(True))
    )
    settings = clean if existing else {**clean, "name": LOCAL_WEBHOOK_NAME}
    webhook = save_webhook(form, settings, existing, actor=actor)
    webhook.listen_only = True
    db.session.flush()
    return webhook, {}, warnings
