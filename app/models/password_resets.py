"""Password reset tokens: single use, short-lived, stored only as a hash."""

import hashlib
import secrets

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models.base import UTCDateTime, created_at_column, id_column, utcnow


def hash_reset_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class PasswordResetToken(db.Model):
    __tablename__ = "password_reset_tokens"

    id: Mapped[str] = id_column("pwr")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at = created_at_column()
    expires_at = mapped_column(UTCDateTime(), nullable=False)
    used_at = mapped_column(UTCDateTime(), nullable=True)

    user = relationship("User")

    @classmethod
    def issue(cls, user, ttl):
        """Return (row, plaintext token) valid for ttl (a timedelta); the caller adds and commits."""
        plaintext = secrets.token_urlsafe(32)
        row = cls(user_id=user.id, token_hash=hash_reset_token(plaintext), expires_at=utcnow() + ttl)
        return row, plaintext

    def usable(self, now=None):
        return self.used_at is None and self.expires_at > (now or utcnow())
