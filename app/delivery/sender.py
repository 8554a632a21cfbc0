"""One attempt of one delivery: render, sign, send, record, decide."""

import logging
import time
from dataclasses import dataclass

from app.delivery import payloads, policy, signing, templating
from app.extensions import db
from app.models import Attempt, Delivery
from app.redaction import MASK, redact
from app.version import __version__

log = logging.getLogger(__name__)
SENSITIVE_HEADER_WORDS = ("authorization", "token", "secret", "key", "cookie", "password", "auth")


@dataclass
class PreparedRequest:
    method: str
    url: str
    headers: dict
    body: bytes


def is_sensitive_header(name):
    lowered = name.lower()
    return not lowered.startswith("webhook-") and any(word in lowered for word in SENSITIVE_HEADER_WORDS)


def masked_headers(headers):
    """Headers with credentials replaced, for logs and attempt records."""
    return {name: (MASK if is_sensitive_header(name) else value) for name, value in headers.items()}


def prepare_request(webhook, delivery, now=None):
    """Render URL, headers and body of delivery for webhook, signed at now."""
    now = time.time() if now is None else now
    data = delivery.payload or {}
    context = templating.build_context(
        form=data.get("form") or {"id": "", "name": ""},
        submission=data.get("submission") or {},
        event=delivery.event,
    )
    url = templating.render(webhook.url, context, "url")
    content_type, body = payloads.build_body(
        webhook.format, delivery.event, delivery.created_at.isoformat(), data,
        body_template=webhook.body_template, context=context,
    )
    headers = {"User-Agent": f"Formhook-Webhooks/{__version__}"}
    if webhook.method != "GET":
        headers["Content-Type"] = content_type
    for name, template in (webhook.headers or {}).items():
        headers[templating._escape_header(name)] = templating.render(template, context, "header")
    signed_body = body if webhook.method != "GET" else b""
    headers.update(signing.signed_headers(webhook.signing_secrets(), delivery.id, now, signed_body))
    return PreparedRequest(webhook.method, url, headers, signed_body)


def _record(delivery, prepared, outcome):
    response = None
    if outcome.status is not None:
        response = {"status": outcome.status, "headers": outcome.headers, "body": outcome.body}
    return Attempt(
        delivery_id=delivery.id,
        request={
            "method": prepared.method, "url": redact(prepared.url),
            "headers": masked_headers(prepared.headers),
            "body": prepared.body.decode("utf-8", errors="replace"),
        },
        response=response, error=redact(outcome.error) if outcome.error else None,
        error_class=outcome.error_class, duration_ms=outcome.duration_ms,
    )


def attempt_delivery(delivery_id, attempt_number, transport, schedule):
    """Make attempt attempt_number of a delivery; return the retry time, if any.

    A stale job (the delivery moved on, or is closed) does nothing, so a job
    that runs twice cannot send twice for the same attempt.
    """
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status not in ("pending", "retrying"):
        return None
    if delivery.attempt_count + 1 != attempt_number:
        return None
    webhook = delivery.webhook
    if webhook is None or not webhook.enabled:
        delivery.status = "failed"
        reason = webhook.disabled_reason if webhook is not None else None
        delivery.last_error = "webhook disabled" + (f": {reason}" if reason else "")
        delivery.next_attempt_at = None
        db.session.commit()
        return None
    prepared = prepare_request(webhook, delivery)
    db.session.commit()  # hold no transaction open while the network call runs
    outcome = transport.send(prepared.method, prepared.url, prepared.headers, prepared.body)

    decision = policy.decide(outcome, attempt_number, schedule)
    delivery = db.session.get(Delivery, delivery_id)
    db.session.add(_record(delivery, prepared, outcome))
    delivery.attempt_count = attempt_number
    delivery.last_status_code = outcome.status
    delivery.last_error = None if decision.status == "succeeded" else policy.describe_status(outcome)
    delivery.status = decision.status
    delivery.next_attempt_at = policy.next_time(decision) if decision.status == "retrying" else None
    if decision.disable_reason:
        delivery.webhook.enabled = False
        delivery.webhook.disabled_reason = decision.disable_reason
    db.session.commit()
    log.info(
        "delivery %s attempt %s: %s%s", delivery_id, attempt_number, decision.status,
        f" ({delivery.last_error})" if delivery.last_error else "",
    )
    return delivery.next_attempt_at
