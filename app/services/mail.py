"""Send plain-text mail to MAIL_URL: smtp://host:port (smtps:// for TLS) or console://."""

import logging
import smtplib
import socket
import ssl
import sys
from email.message import EmailMessage
from email.utils import formataddr
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 10
# what a failure means, as MailNotSent.code; the page says each in plain words (mail_words.py)
PERMANENT_CODES = frozenset({"recipients_refused", "sender_refused", "config"})


def build_message(sender, recipients, subject, body, reply_to=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    if reply_to:
        message["Reply-To"] = formataddr(("", reply_to))
    message.set_content(body)
    return message


class MailNotSent(Exception):
    """The message did not leave: the server was unreachable, refused it, or MAIL_URL is unusable."""

    def __init__(self, message, code="unreachable"):
        super().__init__(message)
        self.code = code

    @property
    def permanent(self):
        """Trying again cannot help (the server refused the address for good, or MAIL_URL is wrong)."""
        return self.code in PERMANENT_CODES


def _failure_code(exc):
    """The reason code of an exception raised while talking to the SMTP server."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return "recipients_refused" if codes and all(code >= 500 for code in codes) else "rejected"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return "sender_refused" if exc.smtp_code >= 500 else "rejected"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "auth"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "disconnected"
    if isinstance(exc, smtplib.SMTPException):
        return "rejected"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(exc, socket.gaierror):
        return "dns"
    if isinstance(exc, ssl.SSLError):
        return "tls"
    return "unreachable"


def deliver_mail(recipients, subject, body, mail_url=None, sender=None, reply_to=None):
    """Send one message to recipients; raise MailNotSent when it could not leave."""
    mail_url = mail_url or current_app.config.get("MAIL_URL") or "console://"
    message = build_message(sender or current_app.config["MAIL_FROM"], recipients, subject, body, reply_to)
    parts = urlsplit(mail_url)
    if parts.scheme == "console":
        sys.stdout.write(f"----- mail -----\n{message.as_string()}\n----- end of mail -----\n")
        sys.stdout.flush()
        return
    if parts.scheme not in ("smtp", "smtps"):
        raise MailNotSent(
            f"MAIL_URL scheme {parts.scheme!r} is not supported (use smtp://, smtps:// or console://)", "config",
        )
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
        with smtp_class(parts.hostname, port, timeout=SMTP_TIMEOUT) as smtp:
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException, ValueError) as exc:
        raise MailNotSent(str(exc) or type(exc).__name__, _failure_code(exc)) from exc


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
