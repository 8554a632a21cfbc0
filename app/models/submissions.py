"""Stored form submissions."""

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models.base import created_at_column, id_column, json_column
from app.models.search_index import TRIGRAM_INDEX, add_trigram_index, answers_text

ACCEPTED = "accepted"
SPAM = "spam"


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_form_id_id", "form_id", "id"),
        # the monthly quota counts a workspace's submissions since the 1st: a range of this index,
        # not every row the workspace ever received (it also serves lookups by workspace alone)
        Index("ix_submissions_workspace_id_created_at", "workspace_id", "created_at"),
        # the dashboard's list, pages and export: one range of this index per page, newest first
        Index("ix_submissions_form_id_status_created_at_id", "form_id", "status", "created_at", "id"),
        # the API's list (newest first by id) of one status, also when that status is rare (spam)
        Index("ix_submissions_form_id_status_id", "form_id", "status", "id"),
        # the retention purge takes a form's oldest submissions first
        Index("ix_submissions_form_id_created_at", "form_id", "created_at"),
    )

    id: Mapped[str] = id_column("sub")
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    form_id: Mapped[str] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"))
    answers = json_column(dict)
    meta = json_column(dict)
    created_at = created_at_column()
    # "accepted", or "spam": held back (no deliveries, no mail) until someone says "Not spam"
    status: Mapped[str] = mapped_column(String(16), default="accepted", server_default="accepted")
    # why it was held: [{"code", "detail"?}] (app/spam/reasons.py words them); None when accepted
    spam_reasons = json_column(lambda: None, nullable=True)
    # the language the visitor was answered in: the autoresponder writes in it, also when sent later
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)

    form = relationship("Form")
    deliveries = relationship("Delivery", back_populates="submission", passive_deletes=True)

    @property
    def is_spam(self):
        return self.status == SPAM

    def to_dict(self):
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "answers": dict(self.answers or {}),
            "meta": dict(self.meta or {}),
        }


add_trigram_index(Submission.__table__, Index(
    TRIGRAM_INDEX, answers_text(Submission.answers).label("answers_text"),
    postgresql_using="gin", postgresql_ops={"answers_text": "gin_trgm_ops"}, _table=Submission.__table__,
))
