"""Capture URLs of the request inspector and the requests they recorded."""

import secrets

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models.base import UTCDateTime, created_at_column, id_column, json_column


def new_capture_token():
    """An unguessable path segment: the capture URL is its only credential."""
    return secrets.token_urlsafe(18)


class CaptureBin(db.Model):
    __tablename__ = "capture_bins"

    id: Mapped[str] = id_column("cap")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(40), unique=True, default=new_capture_token)
    name: Mapped[str] = mapped_column(String(120))
    created_at = created_at_column()
    expires_at = mapped_column(UTCDateTime(), nullable=False)

    requests = relationship(
        "CapturedRequest", back_populates="bin", order_by="CapturedRequest.id.desc()",
        cascade="all, delete-orphan", passive_deletes=True,
    )


class CapturedRequest(db.Model):
    __tablename__ = "captured_requests"
    __table_args__ = (
        Index("ix_captured_requests_bin_id_id", "bin_id", "id"),
        Index("ix_captured_requests_at", "at"),  # the retention purge takes the oldest first
    )

    id: Mapped[str] = id_column("req")
    bin_id: Mapped[str] = mapped_column(ForeignKey("capture_bins.id", ondelete="CASCADE"))
    at = created_at_column()
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text, default="")
    remote_addr: Mapped[str | None] = mapped_column(String(64), nullable=True)
    headers = json_column(dict)
    body: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)

    bin = relationship("CaptureBin", back_populates="requests")

    def to_dict(self):
        return {
            "id": self.id, "at": self.at.isoformat(), "method": self.method, "path": self.path,
            "query": self.query, "headers": self.headers, "body": self.body, "size": self.size,
            "truncated": self.truncated,
        }
