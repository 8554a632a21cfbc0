"""What opening or ending a listen session does to the app's own rows."""

from sqlalchemy import select

from app.core.extensions import db
from app.models import Delivery
from app.services.deliveries import retry_now

# a client that connects sends the newest waiting deliveries at once; older ones keep their schedule
BRING_FORWARD_AT_MOST = 100


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
