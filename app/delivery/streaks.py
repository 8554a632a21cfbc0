"""A webhook's current run of failures: since when, and how many attempts."""

from sqlalchemy import func, select

from app.core.extensions import db
from app.models import Attempt, Delivery, delivery_rollups


def last_success_at(webhook_id):
    """When the webhook last answered 2xx, or None: from its newest rollup hour with a success."""
    return db.session.scalar(
        select(delivery_rollups.c.last_success_at)
        .where(delivery_rollups.c.webhook_id == webhook_id, delivery_rollups.c.last_success_at.is_not(None))
        .order_by(delivery_rollups.c.hour.desc()).limit(1)
    )


def failure_streak(webhook_id):
    """(first failed attempt time or None, failed attempts since the last success)."""
    since = last_success_at(webhook_id)
    query = (
        select(func.min(Attempt.at), func.count(Attempt.id))
        .join(Delivery, Attempt.delivery_id == Delivery.id)
        .where(Delivery.webhook_id == webhook_id, Delivery.status != "succeeded")
    )
    if since is not None:
        query = query.where(Attempt.at > since)
    first, count = db.session.execute(query).one()
    return first, count or 0
