"""Uploaded files: one row per stored object, owned by a workspace and (once stored) a submission."""

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.extensions import db
from app.models.base import created_at_column, id_column


class StoredFile(db.Model):
    __tablename__ = "stored_files"

    id: Mapped[str] = id_column("fil")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    # rows go with their submission; the sweep removes objects that no row names any more
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    field_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at = created_at_column()

    def to_dict(self):
        """The answer's object as stored (the signed url is added where it is sent)."""
        return {"id": self.id, "name": self.name, "size": self.size, "content_type": self.content_type}
