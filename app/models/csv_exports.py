"""A CSV export written by a job for a big form, and mailed as a link to the one who asked."""

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.extensions import db
from app.models.base import UTCDateTime, created_at_column, id_column, json_column

# pending: its job is queued or running; ready: the file is in storage and the link was mailed; failed
EXPORT_STATUSES = ("pending", "ready", "failed")


class CsvExport(db.Model):
    __tablename__ = "csv_exports"

    id: Mapped[str] = id_column("exp")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    requested_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # what the list showed when asked: {"q", "from", "to" (UTC ISO-8601 or null), "headers": "labels"|"keys"}
    options = json_column(dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at = created_at_column()
    finished_at = mapped_column(UTCDateTime(), nullable=True)
    # the link works until then; the storage's orphan sweep removes the file about then too
    expires_at = mapped_column(UTCDateTime(), nullable=True)

    @property
    def storage_key(self):
        return f"{self.workspace_id}/{self.id}"
