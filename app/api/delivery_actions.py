"""Test event, secret rotation and retry, built from the outbox and the models.

One small module so the API can switch to app.services.deliveries in one place.
"""

from app.delivery import outbox
from app.extensions import db
from app.models.base import utcnow


def send_test_event(webhook):
    """Queue a webhook.test delivery now; return it."""
    delivery = outbox.add_test_delivery(webhook)
    db.session.commit()
    outbox.enqueue(delivery.id, 1)
    return delivery


def rotate_secret(webhook):
    """Give webhook a new secret; the old one keeps signing alongside for 24 hours."""
    webhook.rotate_secret()
    db.session.commit()
    return webhook


def retry_now(delivery):
    """Send delivery again now, with the same webhook-id."""
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    db.session.commit()
    outbox.enqueue(delivery.id, delivery.attempt_count + 1, force=True)
    return delivery
