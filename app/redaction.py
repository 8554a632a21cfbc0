"""Credentials out of logs and attempt records: one place that knows what a secret looks like."""

import logging
import re

MASK = "••••••"
SENSITIVE_NAME = r"[^=&#\s]*(?:token|key|secret|password|passwd|signature|auth)[^=&#\s]*"
_PATTERNS = (
    # Standard Webhooks signing secrets
    (re.compile(r"whsec_[A-Za-z0-9+/=]+"), "whsec_" + MASK),
    # bearer tokens in Authorization values
    (re.compile(r"(?i)\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=:-]{6,}"), r"\1\2" + MASK),
    # Formhook API keys
    (re.compile(r"\bfh_[A-Za-z0-9_-]{16,}"), "fh_" + MASK),
    # Telegram-style bot tokens in a URL path: /bot123456:ABC…/
    (re.compile(r"/bot[0-9]+:[A-Za-z0-9_-]+"), "/bot" + MASK),
    # query parameters named like a credential: ?token=…, &api_key=…, &access_token=…
    (re.compile(rf"(?i)([?&]{SENSITIVE_NAME}=)[^&#\s\"']+"), r"\1" + MASK),
    # password reset links (access logs print the path)
    (re.compile(r"(/password/reset/)[A-Za-z0-9_-]+"), r"\1" + MASK),
    # passwords in URL userinfo: https://user:pass@host
    (re.compile(r"(://[^/\s:@]+:)[^@\s/]+@"), r"\1" + MASK + "@"),
)


def redact(text):
    """Return text with every credential we recognise replaced by a mask."""
    if not text:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


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
