"""Credentials out of logs, attempt records, the audit trail, copy-as-cURL and the editor.

The one place that knows what a secret looks like: a header or query parameter is sensitive
by its name (is_sensitive), and free text (a URL, a log line, an error, a header value) is
masked by the shapes of credentials we recognise (redact). Everything that shows or stores
a request goes through here, so one rule decides what is masked everywhere.
"""

import logging
import re

MASK = "••••••"
# a name holding one of these anywhere is a credential: access_token, X-Auth-User, Set-Cookie
SENSITIVE_FRAGMENTS = ("token", "secret", "password", "passwd", "authoriz", "authentic", "apikey", "credential",
                       "cookie", "session", "signature")
# short words that are credentials only as a whole part of the name: X-Api-Key, ?sig=, X-Auth (not "author")
SENSITIVE_PARTS = ("key", "sig", "pwd", "pass", "auth")
# the Standard Webhooks headers are derived per attempt and needed to check a request by hand
PUBLIC_PREFIX = "webhook-"


def is_sensitive(name):
    """True for a header or query parameter name that usually carries a credential."""
    lowered = name.lower()
    if lowered.startswith(PUBLIC_PREFIX):
        return False
    if any(fragment in lowered for fragment in SENSITIVE_FRAGMENTS):
        return True
    return any(part in SENSITIVE_PARTS for part in re.split(r"[^a-z0-9]+", lowered))


def _mask_query_value(match):
    name, value = match.group("name"), match.group("value")
    if not is_sensitive(name) or value.startswith("{{"):
        return match.group(0)  # a template reference names an answer, it is not a credential
    return f"{match.group('lead')}{name}={MASK}"


_PATTERNS = (
    # Standard Webhooks signing secrets
    (re.compile(r"whsec_[A-Za-z0-9+/=]+"), "whsec_" + MASK),
    # bearer tokens in Authorization values
    (re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=:-]{6,}"), r"\1\2" + MASK),
    # Formhook API keys
    (re.compile(r"\bfh_[A-Za-z0-9_-]{16,}"), "fh_" + MASK),
    # Telegram-style bot tokens in a URL path: /bot123456:ABC…/
    (re.compile(r"/bot[0-9]+:[A-Za-z0-9_-]+"), "/bot" + MASK),
    # query parameters named like a credential: ?token=…, &api_key=…, &sig=…; the text stays as typed
    (re.compile(r"(?P<lead>[?&])(?P<name>[^=&#\s\"'?]+)=(?P<value>[^&#\s\"']+)"), _mask_query_value),
    # password reset and invitation links (access logs print the path)
    (re.compile(r"(/password/reset/|/invite/)[A-Za-z0-9_-]+"), r"\1" + MASK),
    # passwords in URL userinfo: https://user:pass@host
    (re.compile(r"(://[^/\s:@]+:)[^@\s/]+@"), r"\1" + MASK + "@"),
)


def redact(text):
    """Return text with every credential we recognise replaced by a mask, the rest as it was."""
    if not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def mask_header_value(name, value):
    """The value as it may be shown or stored: all of it for a sensitive name, else its credentials."""
    if is_sensitive(name):
        return MASK
    return redact(value) if isinstance(value, str) else value


def mask_headers(headers):
    """Headers with credentials replaced, for logs, attempt records, the audit trail and the editor."""
    return {name: mask_header_value(name, value) for name, value in (headers or {}).items()}


def is_masked(text):
    """True when text (a URL or header value) had something masked."""
    return isinstance(text, str) and MASK in text


class RedactingFilter(logging.Filter):
    """Rewrite a log record so its message and traceback hold no credential."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


_installed = False


def install_log_redaction():
    """Redact every record when it is created, so every handler (and caplog) sees the clean one."""
    global _installed
    if _installed:
        return
    base_factory = logging.getLogRecordFactory()
    redacting = RedactingFilter()

    def factory(*args, **kwargs):
        record = base_factory(*args, **kwargs)
        redacting.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
