"""Sending mail: MAIL_URL smtp://host:port delivers over SMTP, console:// prints it."""

import smtplib
import sys
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app


def build_message(to, subject, body, sender):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def send_mail(to, subject, body):
    """Send a plain-text message now, through MAIL_URL."""
    config = current_app.config
    message = build_message(to, subject, body, config["MAIL_FROM"])
    target = urlsplit(config["MAIL_URL"])
    if target.scheme == "console":
        print(message.as_string(), file=sys.stdout, flush=True)
        return
    if target.scheme not in ("smtp", "smtps"):
        raise ValueError(f"MAIL_URL must be smtp://, smtps:// or console://, not {target.scheme}://")
    smtp_class = smtplib.SMTP_SSL if target.scheme == "smtps" else smtplib.SMTP
    with smtp_class(target.hostname, target.port or (465 if target.scheme == "smtps" else 25), timeout=10) as smtp:
        if target.username:
            smtp.login(target.username, target.password or "")
        smtp.send_message(message)
