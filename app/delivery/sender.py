"""One attempt of one delivery: claim, render, sign, send, record, decide."""

import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import or_, select, update

from app.delivery import payloads, policy, signing, templating
from app.delivery.transport import Outcome
from app.extensions import db
from app.models import Attempt, Delivery
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES
from app.observability import autodisable
from app.redaction import redact
from app.version import __version__

log = logging.getLogger(__name__)
SENSITIVE_WORDS = ("authorization", "token", "secret", "key", "cookie", "password", "auth", "signature", "sig")
MASK = "••••••"
# RQ's scheduler works in whole seconds, so a scheduled job may start up to a second early
EARLY_START = timedelta(seconds=2)


@dataclass
class PreparedRequest:
    method: str
    url: str
    headers: dict
    body: bytes


def is_sensitive(name):
    """True for a header or query parameter name that usually carries a credential."""
    lowered = name.lower()
    return not lowered.startswith("webhook-") and any(word in lowered for word in SENSITIVE_WORDS)


def masked_headers(headers):
    """Headers with credentials replaced, for logs and attempt records."""
    return {name: (MASK if is_sensitive(name) else value) for name, value in headers.items()}


def masked_url(url):
    """The URL with its password and credential-like query values replaced."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password:
        netloc = netloc.replace(f":{parts.password}@", f":{MASK}@", 1)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(is_sensitive(name) for name, _ in pairs):
        return urlunsplit(parts._replace(netloc=netloc))
    query = urlencode([(name, MASK if is_sensitive(name) else value) for name, value in pairs])
    return urlunsplit(parts._replace(netloc=netloc, query=query))


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
        # the whole value, template text included, loses CR/LF: nothing may start a new header line
        headers[templating.escape_header(name)] = templating.escape_header(
            templating.render(template, context, "header")
        )
    signed_body = body if webhook.method != "GET" else b""
    headers.update(signing.signed_headers(webhook.signing_secrets(), delivery.id, now, signed_body))
    return PreparedRequest(webhook.method, url, headers, signed_body)


def _record(delivery_id, prepared, outcome, started_at):
    response = None
    if outcome.status is not None:
        response = {"status": outcome.status, "headers": masked_headers(outcome.headers), "body": outcome.body}
    return Attempt(
        delivery_id=delivery_id, at=started_at,
        request={
            "method": prepared.method, "url": masked_url(redact(prepared.url)),
            "headers": masked_headers(prepared.headers),
            "body": prepared.body.decode("utf-8", errors="replace"),
        },
        response=response, error=redact(outcome.error) if outcome.error else None,
        error_class=outcome.error_class, duration_ms=outcome.duration_ms,
    )


def claim(delivery_id, attempt_number, lease_seconds):
    """Take the attempt for lease_seconds; False when it is not due, already taken or done.

    The lease lives in next_attempt_at: while it runs the sweep leaves the delivery alone,
    and when a killed worker lets it run out, the sweep sends the attempt again.
    """
    now = utcnow()
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status.in_(OPEN_STATUSES),
            Delivery.attempt_count == attempt_number - 1,
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now + EARLY_START),
        )
        .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _close_without_sending(delivery, message):
    delivery.status = "failed"
    delivery.last_error = message
    delivery.next_attempt_at = None
    db.session.commit()


def attempt_delivery(delivery_id, attempt_number, transport, schedule, lease_seconds=60, slot=None):
    """Make attempt attempt_number of a delivery; return the retry time, if any.

    A stale or duplicate job (the attempt is done, closed or being made) does nothing.
    slot(webhook_id), when given, is a context manager held around the attempt; it may
    refuse (raise) before the attempt is claimed, so a refused job leaves no lease behind.
    """
    webhook_id = db.session.scalar(select(Delivery.webhook_id).where(Delivery.id == delivery_id))
    if webhook_id is None:
        return None
    with slot(webhook_id) if slot else nullcontext():
        if not claim(delivery_id, attempt_number, lease_seconds):
            return None
        return _attempt_claimed(delivery_id, attempt_number, transport, schedule)


def _attempt_claimed(delivery_id, attempt_number, transport, schedule):
    delivery = db.session.get(Delivery, delivery_id)
    webhook = delivery.webhook
    if webhook is None:
        _close_without_sending(delivery, "the webhook was deleted")
        return None
    if not webhook.enabled and delivery.event != "webhook.test":
        reason = webhook.disabled_reason
        _close_without_sending(delivery, "webhook disabled" + (f": {reason}" if reason else ""))
        return None
    started_at = utcnow()
    try:
        prepared = prepare_request(webhook, delivery)
    except Exception as exc:  # noqa: BLE001 - any error of a user's template is recorded, never retried
        # it passed the save-time check but fails on these answers: record the attempt as failed
        prepared = PreparedRequest(webhook.method, webhook.url, {}, b"")
        outcome = Outcome(error=f"template error: {exc}", error_class="template")
    else:
        db.session.commit()  # hold no transaction open while the network call runs
        outcome = transport.send(prepared.method, prepared.url, prepared.headers, prepared.body)
    return _finish(delivery_id, attempt_number, schedule, prepared, outcome, started_at)


def _finish(delivery_id, attempt_number, schedule, prepared, outcome, started_at):
    decision = policy.decide(outcome, attempt_number, schedule)
    db.session.add(_record(delivery_id, prepared, outcome, started_at))
    delivery = db.session.get(Delivery, delivery_id)
    delivery.attempt_count = attempt_number
    delivery.last_status_code = outcome.status
    delivery.last_error = None if decision.status == "succeeded" else policy.describe_status(outcome)
    delivery.status = decision.status
    delivery.next_attempt_at = policy.next_time(decision) if decision.status == "retrying" else None
    if decision.disable_reason:
        delivery.webhook.enabled = False
        delivery.webhook.disabled_reason = decision.disable_reason
    db.session.commit()
    autodisable.after_attempt(delivery)
    log.info(
        "delivery %s attempt %s: %s%s", delivery_id, attempt_number, decision.status,
        f" ({delivery.last_error})" if delivery.last_error else "",
    )
    return delivery.next_attempt_at
