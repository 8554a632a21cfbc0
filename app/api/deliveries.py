"""/api/v1/webhooks/<id>/deliveries and /api/v1/deliveries/<id>: the delivery log and retries."""

from flask import g, jsonify, request

from app.api import bp
from app.api.idempotency import idempotent
from app.api.inputs import find_or_404, keyset_page, page_params
from app.api.representations import delivery_json
from app.core.errors import ApiError
from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Delivery, Webhook
from app.models.webhooks import DELIVERY_STATUSES
from app.services.deliveries import DeliveryActionRefused, retry_now


@bp.get("/webhooks/<webhook_id>/deliveries")
def list_deliveries(webhook_id):
    """One page of a webhook's deliveries, newest first, optionally of one status."""
    webhook = find_or_404(Webhook, webhook_id, "webhook")
    limit, cursor = page_params()
    query = scoped(Delivery, g.workspace_id).where(Delivery.webhook_id == webhook.id)
    status = request.args.get("status")
    if status is not None:
        if status not in DELIVERY_STATUSES:
            problem = f"must be one of {', '.join(DELIVERY_STATUSES)}"
            raise ApiError(422, "invalid query parameters", {"status": problem})
        query = query.where(Delivery.status == status)
    rows, next_cursor = keyset_page(query, Delivery, limit, cursor)
    return jsonify({"data": [delivery_json(row) for row in rows], "next_cursor": next_cursor})


@bp.get("/deliveries/<delivery_id>")
def get_delivery(delivery_id):
    """A delivery with every attempt: request sent, response received, error, duration."""
    return jsonify(delivery_json(find_or_404(Delivery, delivery_id, "delivery"), with_attempts=True))


@bp.post("/deliveries/<delivery_id>/retry")
@idempotent
def retry_delivery(delivery_id):
    """Send the delivery again now, with the same webhook-id (right after an attempt in flight); 409 while disabled."""
    delivery = find_or_404(Delivery, delivery_id, "delivery")
    try:
        retry_now(delivery)
    except DeliveryActionRefused as refused:
        raise ApiError(409, str(refused)) from refused
    db.session.commit()
    return jsonify(delivery_json(delivery)), 202
