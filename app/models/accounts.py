"""Users, workspaces, memberships and API keys."""

import hashlib
import secrets

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.extensions import db
from app.models.base import UTCDateTime, created_at_column, id_column

ROLES = ("owner", "admin", "member")
# a key acts only while its creator is a member of its workspace with one of these roles
API_KEY_ROLES = ("owner", "admin", "member")


class Workspace(db.Model):
    __tablename__ = "workspaces"

    id: Mapped[str] = id_column("ws")
    name: Mapped[str] = mapped_column(String(120))
    # an IANA zone (app/core/timezones.py): the dashboard shows and reads times in it
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # ISO 3166 region for phone answers written without a country code; None: DEFAULT_PHONE_REGION
    phone_region: Mapped[str | None] = mapped_column(String(2), nullable=True)
    created_at = created_at_column()
    # the theme of forms that have none of their own (None: the built-in one)
    theme = mapped_column(JSON, nullable=True)
    # posts from these emails, domains and addresses land in Spam (app/spam/blocklist.py; None: empty)
    spam_blocklist = mapped_column(JSON, nullable=True)
    # days kept before the retention purge (app/services/retention.py); None: the RETENTION_* setting
    retention_attempts_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    retention_deliveries_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    retention_captures_days: Mapped[int | None] = mapped_column(Integer, nullable=True)

    memberships = relationship("Membership", back_populates="workspace", cascade="all, delete-orphan")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[str] = id_column("usr")
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # part of every session's user id: replacing it ends every session (logout, password change)
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    # the dashboard's language ("en"/"id"); None follows the browser's Accept-Language
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    created_at = created_at_column()

    memberships = relationship("Membership", back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self):
        """Invalidate every session and remember-me cookie issued so far."""
        self.session_token = secrets.token_hex(16)

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def membership_in(self, workspace_id):
        """Return this user's membership of a workspace, or None."""
        return next((m for m in self.memberships if m.workspace_id == workspace_id), None)


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "workspace_id"),)

    id: Mapped[str] = id_column("mem")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    created_at = created_at_column()

    user = relationship("User", back_populates="memberships")
    workspace = relationship("Workspace", back_populates="memberships")


def hash_api_key(key):
    """API keys are long random strings, so a fast unsalted hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(db.Model):
    __tablename__ = "api_keys"

    id: Mapped[str] = id_column("key")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120), default="default")
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at = created_at_column()
    last_used_at = mapped_column(UTCDateTime(), nullable=True)
    revoked_at = mapped_column(UTCDateTime(), nullable=True)

    creator = relationship("User")

    @classmethod
    def generate(cls, workspace_id, user_id, name="default"):
        """Return (api_key_row, plaintext_key); the plaintext is never stored."""
        plaintext = "fh_" + secrets.token_urlsafe(32)
        row = cls(
            workspace_id=workspace_id, user_id=user_id, name=name,
            prefix=plaintext[:10], key_hash=hash_api_key(plaintext),
        )
        return row, plaintext
