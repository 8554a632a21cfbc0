"""/api/v1/webhooks/<id>/listen and /api/v1/listen/<session>: a webhook's deliveries pulled by the user's machine.

The client (static/listen.py) opens a session, then polls `next` for each prepared request and
posts the local answer to `answers`. The server never connects to the user's machine.
"""

import threading
import time
from urllib.parse import urlsplit

from flask import current_app, g, jsonify

from app.api import auth, bp
from app.api.inputs import find_or_404, json_body
from app.core.errors import ApiError
from app.core.extensions import db
from app.delivery import listen_sessions as sessions
from app.delivery.listen_handoff import VIA_LISTEN
from app.delivery.transport import MAX_RESPONSE_BYTES
from app.models import Form, Webhook
from app.services.audit import api_key_actor
from app.services.listening import bring_forward, local_webhook

# A waiting poll holds a web thread: one per process at most, so the others keep serving pages
# and posts. Polls beyond it answer at once (204, Retry-After: 1) and the client asks again.
WAITING_POLLS = threading.BoundedSemaphore(1)
# the API key is checked again this often while a poll waits: a revoked key ends the stream at once
RECHECK_SECONDS = 2
MAX_ANSWER_HEADERS = 100
MAX_HEADER_BYTES = 8192
MAX_ERROR_LENGTH = 500
MAX_DURATION_MS = 3_600_000


@bp.post("/webhooks/<webhook_id>/listen")
def open_listen_session(webhook_id):
    """Open a listen session: the webhook's deliveries go to the polling client instead of (or also to) its URL."""
    webhook = find_or_404(Webhook, webhook_id, "webhook")
    data = json_body(required=False)
    mode = data.get("mode", "instead")
    errors = {name: "is not a setting of a listen session" for name in data if name != "mode"}
    if mode not in sessions.MODES:
        errors["mode"] = f"must be one of {', '.join(sessions.MODES)}"
    if errors:
        raise ApiError(422, "the listen session is not valid", errors)
    sid = sessions.open_session(current_app.redis, webhook.id, g.workspace_id, g.api_key.id, mode)
    return jsonify(_session_json(sid, webhook, mode)), 201


@bp.post("/forms/<form_id>/listen")
def open_local_listen_session(form_id):
    """Open a listen session on the form's local webhook (made the first time), whose URL is the local one."""
    form = find_or_404(Form, form_id, "form")
    data = json_body()
    errors = {name: "is not a setting of a local listen session" for name in data if name not in ("url", "mode")}
    if data.get("mode", "instead") != "instead":
        errors["mode"] = "a local webhook has no other URL: its deliveries only go to the listen client"
    webhook, url_errors, warnings = (None, {}, []) if errors else local_webhook(
        form, data.get("url"), api_key_actor(g.api_key))
    errors.update(url_errors)
    if errors:
        raise ApiError(422, "the listen session is not valid", errors)
    sid = sessions.open_session(current_app.redis, webhook.id, g.workspace_id, g.api_key.id, "instead")
    db.session.commit()
    return jsonify({**_session_json(sid, webhook, "instead"), **({"warnings": warnings} if warnings else {})}), 201


def _session_json(sid, webhook, mode):
    return {
        "id": sid, "webhook_id": webhook.id, "mode": mode, "expires_in": sessions.SESSION_TTL,
        "poll_wait": sessions.POLL_WAIT, "url": webhook.url,
    }


def _own_session(session_id):
    """The caller's session, or the error its client must see: 404 (unknown, expired, another workspace's), 409."""
    session = sessions.get_session(current_app.redis, session_id)
    if session is None or session["workspace_id"] != g.workspace_id:
        reason = sessions.why_gone(current_app.redis, session_id) if session is None else None
        if reason == "replaced":
            raise ApiError(409, "another listen session for this webhook took over this one", code="replaced")
        raise ApiError(404, "listen session not found (it ended or expired)")
    return session


@bp.get("/listen/<session_id>/next")
def next_listen_request(session_id):
    """Wait up to poll_wait seconds for the session's next request; 204 when none came."""
    session = _own_session(session_id)
    webhook = db.session.scalar(
        db.select(Webhook).where(Webhook.id == session["webhook_id"], Webhook.workspace_id == g.workspace_id)
    )
    if webhook is None:
        sessions.end_session(current_app.redis, session_id)
        raise ApiError(404, "listen session not found (its webhook was deleted)")
    if sessions.touch(current_app.redis, session_id, webhook.id, session["key_id"]):
        bring_forward(webhook)  # a client (re)connected: what waits for a retry goes out now
        db.session.commit()
    entry = _wait_for_request(session_id)
    if entry is None:
        response = current_app.response_class(status=204)
        response.headers["Retry-After"] = "1"
        return response
    return jsonify(_request_json(entry))


def _wait_for_request(session_id):
    redis = current_app.redis
    if not WAITING_POLLS.acquire(blocking=False):
        return sessions.next_request(redis, session_id, 0)
    try:
        deadline = time.monotonic() + current_app.config.get("LISTEN_POLL_WAIT", sessions.POLL_WAIT)
        while True:
            entry = sessions.next_request(redis, session_id, min(RECHECK_SECONDS, deadline - time.monotonic()))
            if entry is not None or time.monotonic() >= deadline - 0.5:
                return entry
            db.session.rollback()  # see the key as it is now, not as this transaction first saw it
            auth.authenticate()  # raises 401 once the key is revoked
            _own_session(session_id)  # ended meanwhile: 404 or 409
    finally:
        WAITING_POLLS.release()


def _request_json(entry):
    parts = urlsplit(entry["url"])
    return {
        "token": entry["token"], "delivery_id": entry["delivery_id"], "method": entry["method"],
        "url": entry["url"], "path": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        "headers": entry["headers"], "body": entry["body"], "timeout": entry["timeout"],
    }


@bp.post("/listen/<session_id>/answers")
def answer_listen_request(session_id):
    """Report what the local URL answered to one request; it is recorded as the attempt ("via listen")."""
    _own_session(session_id)
    answer = _checked_answer(json_body())
    if not sessions.store_answer(current_app.redis, session_id, answer.pop("token"), answer):
        raise ApiError(404, "no request of this session waits for that answer (it timed out or was answered)")
    return jsonify({"ok": True, "via": VIA_LISTEN}), 202


def _checked_answer(data):
    """The answer's values, each checked and bounded; 422 naming the field otherwise."""
    errors = {}
    token, status, headers = data.get("token"), data.get("status"), data.get("headers") or {}
    body, error, duration = data.get("body") or "", data.get("error"), data.get("duration_ms", 0)
    if not isinstance(token, str) or not token:
        errors["token"] = "must be the token of the request being answered"
    if status is not None and (not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599):
        errors["status"] = "must be an HTTP status from 100 to 599, or null when there was no answer"
    if not isinstance(headers, dict) or len(headers) > MAX_ANSWER_HEADERS or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) + len(v) <= MAX_HEADER_BYTES for k, v in headers.items()
    ):
        errors["headers"] = f"must be an object of at most {MAX_ANSWER_HEADERS} header names to text values"
    if not isinstance(body, str) or len(body.encode()) > MAX_RESPONSE_BYTES:
        errors["body"] = f"must be text of at most {MAX_RESPONSE_BYTES} bytes (the start of the answer)"
    if error is not None and (not isinstance(error, str) or not error.strip() or len(error) > MAX_ERROR_LENGTH):
        errors["error"] = f"must be text of at most {MAX_ERROR_LENGTH} characters, or null"
    if status is None and error is None and "status" not in errors:
        errors["status"] = "give the status, or the error when the local URL did not answer"
    if not isinstance(duration, int) or isinstance(duration, bool) or not 0 <= duration <= MAX_DURATION_MS:
        errors["duration_ms"] = f"must be a whole number of milliseconds from 0 to {MAX_DURATION_MS}"
    if errors:
        raise ApiError(422, "the answer is not valid", errors)
    headers = {name.lower(): value for name, value in headers.items()}
    return {"token": token, "status": status, "headers": headers, "body": body,
            "error": f"on the listening machine: {error}" if error else None, "duration_ms": duration}


@bp.delete("/listen/<session_id>")
def close_listen_session(session_id):
    """End the session: the webhook's deliveries go to its URL again."""
    _own_session(session_id)
    sessions.end_session(current_app.redis, session_id)
    return "", 204
