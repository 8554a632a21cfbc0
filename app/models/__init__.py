"""The data model, one module per aggregate."""

from app.models.accounts import ApiKey, Membership, User, Workspace
from app.models.audit import AuditEvent
from app.models.csv_exports import CsvExport
from app.models.files import StoredFile
from app.models.forms import Field, Form
from app.models.idempotency import IdempotencyKey
from app.models.inspector import CaptureBin, CapturedRequest
from app.models.invitations import Invitation
from app.models.mails import Mail
from app.models.password_resets import PasswordResetToken
from app.models.rollups import delivery_rollups
from app.models.submissions import Submission
from app.models.webhooks import Attempt, Delivery, Webhook

__all__ = [
    "ApiKey", "Attempt", "AuditEvent", "CaptureBin", "CapturedRequest", "CsvExport", "Delivery",
    "Field", "Form", "IdempotencyKey", "Invitation", "Mail", "Membership", "PasswordResetToken",
    "StoredFile", "Submission", "User", "Webhook", "Workspace", "delivery_rollups",
]
