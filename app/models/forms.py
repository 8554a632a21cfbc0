"""The customer's forms and their fields."""

import secrets

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedText
from app.core.extensions import db
from app.fields import field_type
from app.models.base import UTCDateTime, created_at_column, id_column, json_column


def new_public_id():
    return secrets.token_urlsafe(9)


class Form(db.Model):
    __tablename__ = "forms"

    id: Mapped[str] = id_column("frm")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(200))
    # empty: the built-in label and thank-you, in the page's language
    submit_label: Mapped[str] = mapped_column(String(100), default="")
    thank_you_message: Mapped[str] = mapped_column(Text, default="")
    # "auto" (the visitor's Accept-Language), or a fixed "en" / "id"
    language: Mapped[str] = mapped_column(String(8), default="auto", server_default="auto")
    redirect_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = created_at_column()
    # design: Markdown shown under the title, two https images, and a theme (None: the workspace's)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    cover_image_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    logo_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    theme = mapped_column(JSON, nullable=True)
    # closing rules: past closes_at, or once max_submissions are stored, visitors read closed_message
    closes_at = mapped_column(UTCDateTime(), nullable=True)
    max_submissions: Mapped[int | None] = mapped_column(Integer, nullable=True)
    closed_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # spam protection: which checks run and their limits (app/spam/settings.py; None: the defaults),
    # the third-party captcha's secret, and the token that lets a server skip the checks
    spam_settings = mapped_column(JSON, nullable=True)
    captcha_secret: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    spam_token: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    # who is mailed about each submission, the autoresponder and the digest
    # (app/services/notification_settings.py); NULL: no mail about submissions
    notifications = json_column(lambda: None, nullable=True)
    # the gallery template it was made from (None: a blank form); the builder offers its webhook preset
    template: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # submissions older than this many days are purged (app/services/retention.py); None: kept until deleted
    submission_retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)

    fields = relationship(
        "Field", back_populates="form", order_by="Field.position",
        cascade="all, delete-orphan", lazy="selectin",
    )
    webhooks = relationship("Webhook", back_populates="form", cascade="all, delete-orphan")

    def field_keys(self):
        return [field.key for field in self.fields]

    def field_types(self):
        """{key: type name} of every field: a list of keys to templates, and the types to conditions."""
        return {field.key: field.type for field in self.fields}


class Field(db.Model):
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("form_id", "key"),)

    id: Mapped[str] = id_column("fld")
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16), default="text")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    options = json_column(list)
    default: Mapped[str | None] = mapped_column(Text, nullable=True)
    placeholder: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # the type's own options (rating's max, a choice's Other…); NULL on fields made before they existed
    settings = json_column(dict, nullable=True)
    # {"match", "rules"} over earlier fields' answers, as webhook conditions; NULL: always shown
    visible_if = json_column(lambda: None, nullable=True)

    form = relationship("Form", back_populates="fields")

    def to_dict(self):
        data = {
            "key": self.key, "label": self.label, "type": self.type,
            "required": self.required, "default": self.default, "placeholder": self.placeholder,
        }
        kind = field_type(self.type)
        if kind.has_options:
            data["options"] = list(self.options or [])
        data.update(kind.settings_of(self))
        data["visible_if"] = self.visible_if
        return data
