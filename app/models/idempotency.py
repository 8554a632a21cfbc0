"""Remembered answers to POST requests sent with an Idempotency-Key."""

from datetime import timedelta

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.crypto import EncryptedJSON
from app.core.extensions import db
from app.models.base import created_at_column, id_column

IDEMPOTENCY_WINDOW = timedelta(hours=24)


class IdempotencyKey(db.Model):
    """One client-chosen key per workspace; response_status is None while the first request runs."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[str] = id_column("idem")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # the remembered answer can hold a webhook's secret, header values and URL: encrypted at rest
    response_body = mapped_column(EncryptedJSON, nullable=True)
    created_at = created_at_column()
