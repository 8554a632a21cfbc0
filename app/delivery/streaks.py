"""A webhook's current run of failures: since when, and how many attempts."""

from sqlalchemy import func, select

from app.core.extensions import db
from app.models import Attempt, Delivery


def last_success_at(webhook_id):
    """When the webhook last answered 2xx (the last attempt of a succeeded delivery), or None."""
    return db.session.scalar(
        select(func.max(Attempt.at)).join(Delivery, Attempt.delivery_id == Delivery.id)
        .where(Delivery.webhook_id == webhook_id, Delivery.status == "succeeded")
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
