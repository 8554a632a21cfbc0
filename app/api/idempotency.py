"""Idempotency-Key on POST: the same key and body within 24 h answers the first response again."""

import hashlib
import json
import re
from functools import wraps

from flask import g, jsonify, make_response, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.core.errors import ApiError
from app.core.extensions import db
from app.models import IdempotencyKey
from app.models.base import utcnow
from app.models.idempotency import IDEMPOTENCY_WINDOW

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEY_PATTERN = r"^[\x21-\x7e]+$"  # visible ASCII: what every HTTP stack passes through unchanged


def request_fingerprint():
    """A hash of what makes two requests the same: method, path and body (JSON compared by value)."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode() if raw.strip() else b""
    except (ValueError, RecursionError):
        body = raw
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def _read_key():
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if len(key) > MAX_KEY_LENGTH or not re.match(KEY_PATTERN, key):
        raise ApiError(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters",
                       {HEADER: "is not a usable key"})
    return key


def _claim(key, fingerprint):
    """Return (record, True) when this request now owns the key, or (earlier record, False)."""
    workspace_id = g.workspace_id
    db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.workspace_id == workspace_id, IdempotencyKey.created_at < utcnow() - IDEMPOTENCY_WINDOW,
    ))
    record = IdempotencyKey(workspace_id=workspace_id, key=key, request_hash=fingerprint)
    db.session.add(record)
    try:
        db.session.commit()
        return record, True
    except IntegrityError:
        db.session.rollback()
    earlier = db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.workspace_id == workspace_id, IdempotencyKey.key == key,
    ))
    if earlier is None:  # expired and deleted by a concurrent request between our insert and this read
        raise ApiError(409, "this Idempotency-Key is being reused right now; retry")
    return earlier, False


def _release(record_id):
    db.session.rollback()
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == record_id))
    db.session.commit()


def _replay(record, fingerprint):
    if record.request_hash != fingerprint:
        raise ApiError(409, f"this {HEADER} was used with a different request", {HEADER: "already used"})
    if record.response_status is None:
        raise ApiError(409, f"a request with this {HEADER} is still being processed; retry shortly")
    response = jsonify(record.response_body)
    response.status_code = record.response_status
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Run view once per Idempotency-Key; remember only successful answers, so a fixed request may retry."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = _read_key()
        if key is None:
            return view(*args, **kwargs)
        fingerprint = request_fingerprint()
        record, owned = _claim(key, fingerprint)
        if not owned:
            return _replay(record, fingerprint)
        record_id = record.id
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _release(record_id)
            raise
        if 200 <= response.status_code < 300 and response.is_json:
            db.session.execute(update(IdempotencyKey).where(IdempotencyKey.id == record_id).values(
                response_status=response.status_code, response_body=response.get_json(),
            ))
            db.session.commit()
        else:
            _release(record_id)
        return response

    return wrapper
