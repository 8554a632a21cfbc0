"""Outgoing mail: one row per message, written with what it tells of and sent by a queued job."""

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models.base import UTCDateTime, created_at_column, id_column, json_column

# pending: its job is queued; retrying: a try failed, the next is scheduled; held: waits for the
# form's digest; bundled: went out inside a digest (digest_id); sent; failed: tries exhausted
MAIL_STATUSES = ("pending", "retrying", "held", "bundled", "sent", "failed")
OPEN_MAIL_STATUSES = ("pending", "retrying")
# webhook_disabled: the owners' notice; owner: a submission's notification; autoresponse: the
# respondent's confirmation; digest: a summary of held owner mails; account: sign-up, reset, invite;
# export: the link to a CSV export written in the background
MAIL_KINDS = ("webhook_disabled", "owner", "autoresponse", "digest", "account", "export")
MAX_LOGGED_TRIES = 20


class Mail(db.Model):
    __tablename__ = "mails"

    id: Mapped[str] = id_column("mail")
    workspace_id: Mapped[str | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True, nullable=True,
    )
    kind: Mapped[str] = mapped_column(String(32), default="webhook_disabled", server_default="webhook_disabled")
    webhook_id: Mapped[str | None] = mapped_column(ForeignKey("webhooks.id", ondelete="SET NULL"), nullable=True)
    form_id: Mapped[str | None] = mapped_column(ForeignKey("forms.id", ondelete="SET NULL"), nullable=True)
    submission_id: Mapped[str | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL"), index=True, nullable=True,
    )
    digest_id: Mapped[str | None] = mapped_column(ForeignKey("mails.id", ondelete="SET NULL"), nullable=True)
    # what makes a message unique ("autoresponse:sub_…"): writing it twice keeps one row
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    recipients = json_column(list)
    reply_to: Mapped[str | None] = mapped_column(String(320), nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending", index=True)
    created_at = created_at_column()
    next_attempt_at = mapped_column(UTCDateTime(), nullable=True)
    sent_at = mapped_column(UTCDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the last failure: a reason code said in plain words on the page, and the server's own text
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # [{"at", "error_code", "error"}] per try, newest last
    tries = json_column(list)

    # known to the unit of work, so a new submission is inserted before the mail about it
    submission = relationship("Submission", viewonly=False)

    @property
    def is_open(self):
        return self.status in OPEN_MAIL_STATUSES
