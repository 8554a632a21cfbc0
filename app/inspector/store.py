"""Capture bins: create, record a request, keep the newest 100, forget after 7 days."""

from datetime import timedelta

from sqlalchemy import delete, select

from app.core.extensions import db
from app.delivery.mirror import keep_newest
from app.models import CaptureBin, CapturedRequest
from app.models.base import utcnow

LIFETIME = timedelta(days=7)
MAX_HEADER_VALUE = 4096


def create_bin(workspace_id, name):
    capture_bin = CaptureBin(workspace_id=workspace_id, name=name, expires_at=utcnow() + LIFETIME)
    db.session.add(capture_bin)
    return capture_bin


def purge_expired(now=None):
    """Delete bins past their lifetime (their requests go with them)."""
    now = now or utcnow()
    expired = select(CaptureBin.id).where(CaptureBin.expires_at < now)
    db.session.execute(delete(CapturedRequest).where(CapturedRequest.bin_id.in_(expired)))
    db.session.execute(delete(CaptureBin).where(CaptureBin.expires_at < now))


def live_bin_by_token(token):
    return db.session.scalar(select(CaptureBin).where(CaptureBin.token == token, CaptureBin.expires_at >= utcnow()))


def record(capture_bin, method, path, query, headers, body, remote_addr, max_body, keep):
    """Store one incoming request, its body capped at max_body bytes; drop all but the newest keep."""
    stored = CapturedRequest(
        bin_id=capture_bin.id, method=method, path=path, query=query, remote_addr=remote_addr,
        headers={name: value[:MAX_HEADER_VALUE] for name, value in headers},
        body=body[:max_body].decode("utf-8", errors="replace"), size=len(body), truncated=len(body) > max_body,
    )
    db.session.add(stored)
    db.session.flush()
    keep_newest(capture_bin.id, keep)
    return stored


def requests_after(capture_bin, after_id=None, limit=100):
    """The bin's requests newer than after_id (all kept ones without it), newest first."""
    query = select(CapturedRequest).where(CapturedRequest.bin_id == capture_bin.id)
    if after_id:
        query = query.where(CapturedRequest.id > after_id)
    return db.session.scalars(query.order_by(CapturedRequest.id.desc()).limit(limit)).all()
