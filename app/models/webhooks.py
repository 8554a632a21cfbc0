"""Webhooks, their deliveries and every attempt made."""

import base64
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedJSON, EncryptedText
from app.core.extensions import db
from app.models.base import UTCDateTime, created_at_column, id_column, json_column, utcnow

METHODS = ("POST", "PUT", "PATCH", "GET")
EVENTS = ("submission.created", "webhook.test")
DELIVERY_STATUSES = ("pending", "succeeded", "retrying", "failed", "skipped")
OPEN_STATUSES = ("pending", "retrying")
ROTATION_OVERLAP = timedelta(hours=24)
NAME_MAX_LENGTH = 100
RATE_LIMIT_MAX = 1000  # attempts per second: above it a limit would be no limit


def new_secret():
    """A Standard Webhooks secret: 'whsec_' + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def host_of(url):
    """The host of a URL, or None when it has none (or cannot be parsed)."""
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:
        return None


class Webhook(db.Model):
    __tablename__ = "webhooks"

    id: Mapped[str] = id_column("wh")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    # what people call it ("HubSpot CRM"); defaults to the URL's host (app.services.webhook_names)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    # URLs and header values can carry credentials (bot tokens, bearer tokens): encrypted at rest
    url: Mapped[str] = mapped_column(EncryptedText)
    method: Mapped[str] = mapped_column(String(8), default="POST")
    format: Mapped[str] = mapped_column(String(16), default="json")
    headers = mapped_column(EncryptedJSON, default=dict, nullable=False)
    body_template: Mapped[str | None] = mapped_column(Text, nullable=True)
    events = json_column(lambda: ["submission.created"])
    conditions = json_column(lambda: None, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    secret: Mapped[str] = mapped_column(EncryptedText, default=new_secret)
    previous_secret: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    previous_secret_expires_at = mapped_column(UTCDateTime(), nullable=True)
    # the request inspector's capture bin that also gets a copy of every request sent (None: no copy).
    # No foreign key: a bin deleted or expired simply gets no copies (delivery.mirror checks it is live).
    mirror_bin_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # a multipart webhook sends the uploaded files themselves as file parts, beside their links
    attach_files: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # a form's local webhook (POST /api/v1/forms/<id>/listen): its deliveries only ever go to a listen
    # client on the user's machine; its URL is the local one and is never connected to
    listen_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # attempts per second at most (None: unlimited); the ones above it wait in the queue, never fail
    rate_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at = created_at_column()
    updated_at = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    form = relationship("Form", back_populates="webhooks")

    ENCRYPTED_COLUMNS = ("url", "headers", "secret", "previous_secret")

    def signing_secrets(self, now=None):
        """The secrets that sign right now: the current one, plus the old one during rotation."""
        now = now or utcnow()
        active = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            active.append(self.previous_secret)
        return active

    def rotate_secret(self, now=None):
        """Replace the secret; the old one keeps signing alongside for 24 hours."""
        now = now or utcnow()
        self.previous_secret = self.secret
        self.previous_secret_expires_at = now + ROTATION_OVERLAP
        self.secret = new_secret()

    def listens_to(self, event):
        return event in (self.events or ["submission.created"]) or event == "webhook.test"


@event.listens_for(Webhook, "before_insert")
@event.listens_for(Webhook, "before_update")
def _default_name(mapper, connection, webhook):
    """Every save path gets a name: a webhook saved without one is called after its URL's host."""
    if not (webhook.name or "").strip():
        webhook.name = (host_of(webhook.url) or "webhook")[:NAME_MAX_LENGTH]


class Delivery(db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_deliveries_webhook_id_id", "webhook_id", "id"),
        # a webhook's deliveries of one status, newest first (the Deliveries tab and the API's ?status=)
        Index("ix_deliveries_webhook_id_status_id", "webhook_id", "status", "id"),
        Index("ix_deliveries_created_at", "created_at"),  # the retention purge takes the oldest first
    )

    id: Mapped[str] = id_column("msg")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    submission_id: Mapped[str | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), nullable=True, index=True
    )
    event: Mapped[str] = mapped_column(String(40), default="submission.created")
    payload = json_column(dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at = mapped_column(UTCDateTime(), nullable=True)
    created_at = created_at_column()
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # a retry asked for while an attempt was in flight: sent as soon as that attempt is recorded
    retry_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    webhook = relationship("Webhook")
    submission = relationship("Submission", back_populates="deliveries")
    attempts = relationship(
        "Attempt", back_populates="delivery", order_by="Attempt.at",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    def to_dict(self):
        return {
            "id": self.id,
            "webhook_id": self.webhook_id,
            "submission_id": self.submission_id,
            "event": self.event,
            "status": self.status,
            "attempt_count": self.attempt_count,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
            "created_at": self.created_at.isoformat(),
            "last_status_code": self.last_status_code,
            "last_error": self.last_error,
        }


class Attempt(db.Model):
    __tablename__ = "attempts"

    id: Mapped[str] = id_column("att")
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    at = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)  # the purge: oldest first
    request = json_column(dict)
    response = json_column(lambda: None, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_class: Mapped[str | None] = mapped_column(String(40), nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)

    delivery = relationship("Delivery", back_populates="attempts")

    def to_dict(self):
        return {
            "at": self.at.isoformat(),
            "request": self.request,
            "response": self.response,
            "error": self.error,
            "duration_ms": self.duration_ms,
        }
