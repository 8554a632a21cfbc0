"""Who changed a webhook (or deleted a workspace's data), what, and when."""

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.extensions import db
from app.models.base import created_at_column, id_column, json_column


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_webhook_id_at", "webhook_id", "at"),)

    id: Mapped[str] = id_column("aud")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    # None for a workspace's own events: data deleted on request, a bulk delete
    webhook_id: Mapped[str | None] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=True)
    # the actor is kept as text too, so the trail survives a deleted user
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    changes = json_column(dict)
    at = created_at_column()
