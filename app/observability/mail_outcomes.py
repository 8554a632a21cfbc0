"""Every mail's state in plain words: what happened to it, why a try failed, and what happens next."""

from datetime import datetime

from flask_babel import gettext as _

from app.core import timezones
from app.observability.explain import Explanation

KIND_NAMES = {
    "owner": lambda: _("Notification to the owners"),
    "autoresponse": lambda: _("Confirmation to the respondent"),
    "digest": lambda: _("Summary"),
    "webhook_disabled": lambda: _("Webhook disabled notice"),
    "account": lambda: _("Account email"),
}


def mail_kind_name(mail):
    """What the mail is, for a table's first column."""
    name = KIND_NAMES.get(mail.kind)
    return name() if name else mail.kind


def mail_error_text(code):
    """Why a try failed, in words an owner can act on."""
    texts = {
        "refused": _("The mail server refused the connection: it is not running or not listening at MAIL_URL."),
        "timeout": _("The mail server did not answer in time."),
        "dns": _("The mail server's name in MAIL_URL could not be found."),
        "tls": _("The secure (TLS) connection to the mail server failed."),
        "auth": _("The mail server did not accept the user name and password in MAIL_URL."),
        "disconnected": _("The mail server closed the connection before the message was sent."),
        "recipients_refused": _("The mail server refused the recipient's address for good."),
        "sender_refused": _("The mail server refused the sender address (MAIL_FROM)."),
        "rejected": _("The mail server rejected the message for now."),
        "config": _("MAIL_URL is not a mail server address we can use (smtp://, smtps:// or console://)."),
        "unreachable": _("The mail server could not be reached."),
    }
    return texts.get(code) or texts["unreachable"]


def mail_outcome(mail):
    """The mail's state in one or two sentences, coloured as deliveries are."""
    if mail.status == "sent":
        return Explanation("ok", _("Sent at %(time)s.", time=timezones.localtime_filter(mail.sent_at, "seconds")))
    if mail.status == "held":
        return Explanation("neutral", _("Waiting for the next summary."))
    if mail.status == "bundled":
        return Explanation("neutral", _("Sent in a summary."))
    if mail.status == "failed":
        return Explanation("failed", _("Given up: %(why)s", why=mail_error_text(mail.error_code)))
    if mail.status == "retrying":
        return Explanation("failed", _("%(why)s We will try again at %(time)s.", why=mail_error_text(mail.error_code),
                                       time=timezones.localtime_filter(mail.next_attempt_at, "time")))
    return Explanation("neutral", _("Queued to be sent."))


def mail_tries(mail):
    """(when, error code or None, the server's words) of each try, oldest first."""
    tries = []
    for entry in mail.tries or []:
        try:
            moment = datetime.fromisoformat(entry.get("at") or "")
        except ValueError:
            continue
        tries.append((moment, entry.get("error_code"), entry.get("error") or ""))
    return tries
