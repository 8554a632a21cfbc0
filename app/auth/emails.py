"""One rule for account email addresses: sign-up, log-in, invitations, password resets and the CLI."""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext
from wtforms.validators import ValidationError

EMAIL_MAX_LENGTH = 254
INVALID_EMAIL = lazy_gettext("enter a valid email address")


class EmailRefused(ValueError):
    """Not an address an account may have; the message says why."""


def normalize_email(text):
    """Return the address as accounts store it (trimmed, lower-case), or raise EmailRefused."""
    address = (text or "").strip()
    if len(address) > EMAIL_MAX_LENGTH:
        raise EmailRefused(f"an email address has at most {EMAIL_MAX_LENGTH} characters")
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise EmailRefused(str(exc)) from None
    return address.lower()


class AccountEmail:
    """WTForms validator: the field holds an address normalize_email accepts."""

    def __call__(self, form, field):
        try:
            normalize_email(field.data)
        except EmailRefused:
            raise ValidationError(INVALID_EMAIL) from None
