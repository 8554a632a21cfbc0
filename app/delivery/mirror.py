"""Copies for the request inspector: a webhook with a mirror bin gets each request it sends recorded there.

Why a copy is recorded here rather than sent over HTTP to the capture URL: the real URL is never
touched, no second outbound request can be aimed anywhere (nothing to check for SSRF, no request
Host in any stored URL), and credentials are masked in the copy as in every attempt record.
"""

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, insert, select

from app.core.extensions import db
from app.core.redaction import mask_headers, redact
from app.models import CaptureBin, CapturedRequest
from app.models.base import utcnow
from app.models.ids import new_id

COPY_OF_HEADER = "X-Formhook-Copy-Of"
COPIED_FROM = "formhook-worker"


def keep_newest(bin_id, keep):
    """Delete all but the bin's newest keep requests."""
    newest = select(CapturedRequest.id).where(CapturedRequest.bin_id == bin_id).order_by(
        CapturedRequest.id.desc()).limit(keep)
    db.session.execute(
        delete(CapturedRequest).where(CapturedRequest.bin_id == bin_id, CapturedRequest.id.not_in(newest))
    )


def _row(item, token, max_body):
    prepared = item.prepared
    url = redact(prepared.url)
    body = prepared.body or b""
    return dict(
        id=new_id("req"), bin_id=item.mirror_bin_id, at=item.started_at or utcnow(), method=prepared.method,
        path=f"/in/{token}", query=urlsplit(url).query, remote_addr=COPIED_FROM,
        headers={**mask_headers(prepared.headers), COPY_OF_HEADER: url},
        body=body[:max_body].decode("utf-8", errors="replace"), size=len(body), truncated=len(body) > max_body,
    )


def record_copies(items):
    """Add a captured request to each item's live mirror bin (in the caller's transaction)."""
    wanted = [item for item in items if getattr(item, "mirror_bin_id", None) and item.prepared.headers]
    if not wanted:
        return
    tokens = dict(db.session.execute(
        select(CaptureBin.id, CaptureBin.token)
        .where(CaptureBin.id.in_({item.mirror_bin_id for item in wanted}), CaptureBin.expires_at >= utcnow())
    ).all())
    max_body, keep = current_app.config["INSPECTOR_MAX_BODY"], current_app.config["INSPECTOR_KEEP_REQUESTS"]
    rows = [_row(item, tokens[item.mirror_bin_id], max_body)
            for item in wanted if item.mirror_bin_id in tokens]
    if rows:
        db.session.execute(insert(CapturedRequest), rows)
        for bin_id in {row["bin_id"] for row in rows}:
            keep_newest(bin_id, keep)
