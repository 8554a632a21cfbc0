"""Invitations to join a workspace: a single-use, expiring link sent by email."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models.base import UTCDateTime, created_at_column, id_column, utcnow

INVITATION_LIFETIME = timedelta(days=7)


def hash_invitation_token(token):
    """Only the hash is stored, so a leaked database cannot be used to join a workspace."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[str] = id_column("inv")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16), default="member")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    invited_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at = created_at_column()
    expires_at = mapped_column(UTCDateTime(), nullable=False)
    accepted_at = mapped_column(UTCDateTime(), nullable=True)
    accepted_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    workspace = relationship("Workspace")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    @classmethod
    def issue(cls, workspace_id, email, role, invited_by_id, now=None):
        """Return (invitation, plaintext token); the token is only ever shown in the link."""
        token = secrets.token_urlsafe(32)
        now = now or utcnow()
        invitation = cls(
            workspace_id=workspace_id, email=email.strip().lower(), role=role, invited_by_id=invited_by_id,
            token_hash=hash_invitation_token(token), created_at=now, expires_at=now + INVITATION_LIFETIME,
        )
        return invitation, token

    def is_open(self, now=None):
        return self.accepted_at is None and self.expires_at > (now or utcnow())
