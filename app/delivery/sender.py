"""One attempt of one delivery: claim, render, sign, send, record, decide."""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from redis import RedisError
from sqlalchemy import false, insert, or_, select, update
from sqlalchemy.orm import selectinload

from app.core.extensions import db
from app.core.redaction import mask_headers, redact
from app.core.version import __version__
from app.delivery import attachments, listen_sessions, mirror, payloads, policy, rollups, signing, streaks, templating
from app.delivery.transport import Outcome, excerpt
from app.files.storage import StorageError
from app.models import Attempt, Delivery, Webhook
from app.models.base import utcnow
from app.models.webhooks import OPEN_STATUSES

log = logging.getLogger(__name__)
# an attempt record keeps the first 64 KiB of the request body, as of the response body
BODY_EXCERPT_BYTES = 64 * 1024
# RQ's scheduler works in whole seconds, so a scheduled job may start up to a second early
EARLY_START = timedelta(seconds=2)
# app.extensions key of the function that records a batch and acts on its decisions
RECORDER = "delivery_recorder"


@dataclass
class PreparedRequest:
    method: str
    url: str
    headers: dict
    body: bytes


def prepare_request(webhook, delivery, now=None):
    """Render URL, headers and body of delivery for webhook, signed at now."""
    now = time.time() if now is None else now
    data = attachments.with_file_links(delivery.payload or {})
    context = templating.build_context(
        form=data.get("form") or {"id": "", "name": ""},
        submission=data.get("submission") or {},
        event=delivery.event,
    )
    with templating.naming("url", "the URL"):
        url = templating.render(webhook.url, context, "url")
    with templating.naming("body_template", "the body template"):
        content_type, body = payloads.build_body(
            webhook.format, delivery.event, delivery.created_at.isoformat(), data,
            body_template=webhook.body_template, context=context,
            attachments=attachments.files_to_attach(webhook, data),
        )
    headers = {"User-Agent": f"Formhook-Webhooks/{__version__}"}
    if webhook.method != "GET":
        headers["Content-Type"] = content_type
    for name, template in (webhook.headers or {}).items():
        # the whole value, template text included, loses CR/LF: nothing may start a new header line
        with templating.naming(f"headers.{name}", f"the header {name}"):
            headers[templating.escape_header(name)] = templating.escape_header(
                templating.render(template, context, "header")
            )
    signed_body = body if webhook.method != "GET" else b""
    headers.update(signing.signed_headers(webhook.signing_secrets(), delivery.id, now, signed_body))
    return PreparedRequest(webhook.method, url, headers, signed_body)


def body_record(body):
    """The request body as an attempt keeps it: all of it, or its first BODY_EXCERPT_BYTES and its size."""
    if len(body) <= BODY_EXCERPT_BYTES:
        return {"body": body.decode("utf-8", errors="replace")}
    return {"body": excerpt(body, BODY_EXCERPT_BYTES), "body_size": len(body), "body_truncated": True}


def _attempt_row(delivery_id, prepared, outcome, started_at):
    """The attempts row of one sent request, credentials masked, its body cut to an excerpt."""
    response = None
    if outcome.status is not None:
        response = {"status": outcome.status, "headers": mask_headers(outcome.headers), "body": outcome.body}
    return dict(
        delivery_id=delivery_id, at=started_at,
        request={
            "method": prepared.method, "url": redact(prepared.url),
            "headers": mask_headers(prepared.headers), **body_record(prepared.body),
            **({"via": outcome.via} if outcome.via else {}),
        },
        response=response, error=redact(outcome.error) if outcome.error else None,
        error_class=outcome.error_class, duration_ms=outcome.duration_ms,
    )


@dataclass
class Attempting:
    """One claimed attempt on its way: the request to send, then what sending it did."""

    delivery_id: str
    attempt_number: int
    webhook_id: str
    prepared: PreparedRequest
    workspace_id: str | None = None  # whose queue its retry waits in
    outcome: Outcome | None = None  # set before sending when the request could not even be rendered
    started_at: object = None
    job_id: str | None = None  # the RQ job that asked for it, when a worker took one
    mirror_bin_id: str | None = None  # a capture bin that gets a copy of the request (the inspector)
    retries: bool = True  # False for a test event: it is attempted once, never on the retry schedule
    listen: tuple | None = None  # (session id, mode, connected?) when a listen session is open for the webhook


def endpoints_of(delivery_ids):
    """{delivery id: (webhook id, its rate limit or None)} of the deliveries that still exist."""
    if not delivery_ids:
        return {}
    rows = db.session.execute(
        select(Delivery.id, Delivery.webhook_id, Webhook.rate_limit)
        .join(Webhook, Webhook.id == Delivery.webhook_id).where(Delivery.id.in_(delivery_ids))
    )
    return {delivery_id: (webhook_id, rate_limit) for delivery_id, webhook_id, rate_limit in rows}


def _due_and_open(now):
    return (
        Delivery.status.in_(OPEN_STATUSES),
        or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now + EARLY_START),
    )


def claim_many(attempts, lease_seconds):
    """Take each (delivery id, attempt number) for lease_seconds; return the ids taken.

    An attempt is taken only when it is the next one, due and open: a stale or duplicate job
    takes nothing. The lease lives in next_attempt_at: while it runs the sweep leaves the
    delivery alone, and when a killed worker lets it run out, the sweep sends the attempt again.
    The caller commits (prepare_claimed does), before anything is sent.
    """
    now = utcnow()
    by_number = defaultdict(list)
    for delivery_id, attempt_number in attempts:
        by_number[attempt_number].append(delivery_id)
    taken = set()
    for attempt_number, delivery_ids in by_number.items():
        result = db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(delivery_ids), Delivery.attempt_count == attempt_number - 1, *_due_and_open(now))
            .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
        taken.update(result.scalars().all())
    return taken


def _close_without_sending(delivery, message):
    delivery.status = "failed"
    delivery.last_error = message
    delivery.next_attempt_at = None


def _closing_reason(delivery):
    webhook = delivery.webhook
    if webhook is None:
        return "the webhook was deleted"
    if not webhook.enabled and delivery.event != "webhook.test":
        reason = webhook.disabled_reason
        return "webhook disabled" + (f": {reason}" if reason else "")
    return None


def prepare_claimed(claimed):
    """Render and sign the claimed (delivery id, attempt number) pairs; return what is to be sent.

    Deliveries whose webhook was deleted or disabled are closed here, unsent. Commits the
    claims with them: one transaction from taking to sending.
    """
    numbers = dict(claimed)
    deliveries = db.session.scalars(
        select(Delivery).options(selectinload(Delivery.webhook)).where(Delivery.id.in_(list(numbers)))
    ).all()
    ready = []
    routes = listen_routes({delivery.webhook_id for delivery in deliveries})
    for delivery in deliveries:
        reason = _closing_reason(delivery)
        if reason:
            _close_without_sending(delivery, reason)
            continue
        item = Attempting(delivery.id, numbers[delivery.id], delivery.webhook_id, None, delivery.workspace_id,
                          started_at=utcnow(),
                          mirror_bin_id=delivery.webhook.mirror_bin_id, retries=delivery.event != "webhook.test",
                          listen=_listen_route(delivery.webhook, routes))
        try:
            item.prepared = prepare_request(delivery.webhook, delivery)
        except StorageError as exc:  # the files to attach cannot be read now: retried like a network error
            item.prepared = PreparedRequest(delivery.webhook.method, delivery.webhook.url, {}, b"")
            item.outcome = Outcome(error=f"the attached files could not be read: {exc}", error_class="storage")
        except Exception as exc:  # noqa: BLE001 - any error of a user's template is recorded, never retried
            # it passed the save-time check but fails on these answers: record the attempt as failed
            item.prepared = PreparedRequest(delivery.webhook.method, delivery.webhook.url, {}, b"")
            item.outcome = Outcome(error=f"template error: {exc}", error_class="template")
        ready.append(item)
    db.session.commit()  # hold no transaction open while the network calls run
    return ready


def listen_routes(webhook_ids):
    """The open listen sessions of these webhooks; none when Redis is away (the real URL is used)."""
    try:
        return listen_sessions.routes_for(current_app.redis, webhook_ids)
    except RedisError:
        log.warning("could not look up listen sessions; sending to the webhooks' URLs")
        return {}


def _listen_route(webhook, routes):
    """Where a listen session takes the webhook's attempt, if anywhere; a local webhook's go nowhere else."""
    route = routes.get(webhook.id)
    if not webhook.listen_only:
        return route
    return (route[0], "instead", route[2]) if route else (None, "instead", False)


@dataclass
class Disable:
    """The engine's decision to disable a webhook: why, and since when it had been failing."""

    reason: str
    failing_since: object = None


@dataclass
class Recorded:
    """What recording a batch decided; the caller acts on it and commits."""

    retries: list = field(default_factory=list)  # [(delivery id, next attempt number, when)]
    disables: dict = field(default_factory=dict)  # {webhook id: Disable}
    finished: list = field(default_factory=list)  # [(delivery id, status, attempt number, last error)]


def record(items, schedule):
    """Record a batch through the app's recorder (app/services/recording.py), which acts and commits.

    The engine decides; what follows a decision (audit rows, notices, mail) is the app's, so the
    app registers the recorder and the engine never imports what sits above it.
    """
    return current_app.extensions[RECORDER](items, schedule)


def _lock_deliveries(delivery_ids):
    """{delivery id: workspace id} of these deliveries still there, locked until the commit.

    A deletion (of a submission, a webhook) then waits for the attempts' rows instead of removing
    a delivery between this check and their insert. PostgreSQL locks the rows, in id order as a
    deletion does; SQLite has no row locks and runs a SELECT outside any transaction, so a write
    that changes nothing first takes its one write lock.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(Delivery).where(false()).values(status=Delivery.status))
    return dict(db.session.execute(
        select(Delivery.id, Delivery.workspace_id).where(Delivery.id.in_(delivery_ids))
        .order_by(Delivery.id).with_for_update()
    ).all())


def record_outcomes(items, schedule, disable_after):
    """Record each sent attempt and decide what follows; the caller acts on the decisions and commits.

    Bulk statements, not ORM objects: a batch is one INSERT of attempts, one executemany
    UPDATE of deliveries and one upsert of the hourly rollups, and nothing is loaded but the
    ids still there.
    """
    still_there = _lock_deliveries([item.delivery_id for item in items])
    recorded, attempts, changes, failing, outcomes = Recorded(), [], [], {}, []
    for item in items:
        if item.delivery_id not in still_there:
            continue  # deleted (with its submission or workspace) while the attempt ran
        decision = policy.decide(item.outcome, item.attempt_number, schedule if item.retries else ())
        next_at = policy.next_time(decision) if decision.status == "retrying" else None
        last_error = None if decision.status == "succeeded" else policy.describe_status(item.outcome)
        attempts.append(_attempt_row(item.delivery_id, item.prepared, item.outcome, item.started_at))
        outcomes.append((item.webhook_id, still_there[item.delivery_id], attempts[-1]))
        changes.append({
            "id": item.delivery_id, "attempt_count": item.attempt_number, "status": decision.status,
            "last_status_code": item.outcome.status, "last_error": last_error, "next_attempt_at": next_at,
        })
        if decision.status != "succeeded":
            failing[item.webhook_id] = failing.get(item.webhook_id) or decision.disable_reason
        if next_at is not None:
            recorded.retries.append((item.delivery_id, item.attempt_number + 1, next_at))
        recorded.finished.append((item.delivery_id, decision.status, item.attempt_number, last_error))
    if attempts:
        db.session.execute(insert(Attempt), attempts)
        db.session.execute(update(Delivery), changes)
        rollups.add(outcomes)
        mirror.record_copies([item for item in items if item.delivery_id in still_there])
    recorded.retries = _requested_retries(items, recorded.retries)
    recorded.disables = _disables(failing, disable_after)
    return recorded


def _requested_retries(items, retries):
    """Add the retries asked for while these attempts were in flight (now recorded): each is due at once.

    In the recording transaction, after the attempts' rows are updated: a retry_now that set the
    flag before this either is seen here, or (its row lock waiting on ours) finds the attempt
    recorded and retries by itself.
    """
    now = utcnow()
    asked = db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_([item.delivery_id for item in items]), Delivery.retry_requested.is_(True))
        .values(retry_requested=False, status="retrying", next_attempt_at=now)
        .returning(Delivery.id, Delivery.attempt_count)
        .execution_options(synchronize_session=False)
    ).all()
    if not asked:
        return retries
    asked_ids = {delivery_id for delivery_id, _ in asked}
    return [retry for retry in retries if retry[0] not in asked_ids] + [
        (delivery_id, attempt_count + 1, now) for delivery_id, attempt_count in asked
    ]


def _disables(failing, disable_after):
    """{webhook id: Disable} for the enabled failing webhooks that must stop: told so, or failing too long."""
    if not failing:
        return {}
    enabled = db.session.scalars(select(Webhook.id).where(Webhook.id.in_(list(failing)), Webhook.enabled.is_(True)))
    disables = {}
    for webhook_id in enabled:
        first_failure, failures = streaks.failure_streak(webhook_id)
        reason = failing[webhook_id] or policy.streak_disable_reason(first_failure, failures, disable_after)
        if reason:
            disables[webhook_id] = Disable(reason, first_failure)
    return disables


def log_recorded(recorded):
    """Log each recorded attempt's result (after the commit: the log never claims what was rolled back)."""
    for delivery_id, status, attempt_number, last_error in recorded.finished:
        log.info(
            "delivery %s attempt %s: %s%s", delivery_id, attempt_number, status,
            f" ({last_error})" if last_error else "", extra={"delivery_id": delivery_id},
        )
