"""Copying a webhook's requests to a capture URL of the inspector: start and stop, audited."""

from app.core.extensions import db
from app.models import CaptureBin
from app.services.audit import record_webhook_change


def _bin_name(bin_id):
    capture_bin = db.session.get(CaptureBin, bin_id) if bin_id else None
    return capture_bin.name if capture_bin else None


def start_copying(webhook, capture_bin, user):
    """From now on each request webhook sends is also recorded in capture_bin; the caller commits."""
    if webhook.workspace_id != capture_bin.workspace_id:
        raise ValueError("a webhook copies only to a capture URL of its own workspace")
    previous = _bin_name(webhook.mirror_bin_id)
    webhook.mirror_bin_id = capture_bin.id
    record_webhook_change(webhook, user, action="copy started",
                          changes={"copies_to": {"from": previous, "to": capture_bin.name}})


def stop_copying(webhook, user):
    """Stop recording copies of webhook's requests; the caller commits."""
    if webhook.mirror_bin_id is None:
        return
    previous = _bin_name(webhook.mirror_bin_id)
    webhook.mirror_bin_id = None
    record_webhook_change(webhook, user, action="copy stopped", changes={"copies_to": {"from": previous, "to": None}})
