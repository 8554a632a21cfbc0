"""Send plain-text mail to MAIL_URL: smtp://host:port (smtps:// for TLS) or console://."""

import logging
import smtplib
import sys
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)


def build_message(sender, recipients, subject, body):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    return message


class MailNotSent(Exception):
    """The message did not leave: the server was unreachable, refused it, or MAIL_URL is unusable."""


def deliver_mail(recipients, subject, body, mail_url=None, sender=None):
    """Send one message to recipients; raise MailNotSent when it could not leave."""
    mail_url = mail_url or current_app.config.get("MAIL_URL") or "console://"
    message = build_message(sender or current_app.config["MAIL_FROM"], recipients, subject, body)
    parts = urlsplit(mail_url)
    if parts.scheme == "console":
        sys.stdout.write(f"----- mail -----\n{message.as_string()}\n----- end of mail -----\n")
        sys.stdout.flush()
        return
    if parts.scheme not in ("smtp", "smtps"):
        raise MailNotSent(f"MAIL_URL scheme {parts.scheme!r} is not supported (use smtp://, smtps:// or console://)")
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    try:
        with smtp_class(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25), timeout=10) as smtp:
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(str(exc) or type(exc).__name__) from exc


def send_mail(recipients, subject, body, mail_url=None, sender=None):
    """Send one message; return True when it left, False when it could not (logged, never raised)."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return False
    try:
        deliver_mail(recipients, subject, body, mail_url, sender)
    except MailNotSent as exc:
        log.error("could not send mail %r to %d recipient(s): %s", subject, len(recipients), exc)
        return False
    return True
