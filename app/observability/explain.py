"""Every delivery outcome in plain words: what happened, what to do, and what we do next.

The engine records terse facts (a status code, an error class, "timed out after 15 s"); these
turn them into one or two sentences for people ("Your server answered 500: it had an error
handling the request. Check its logs; we will retry at 22:15 UTC.").
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from app.core import timezones

# the engine's error texts start with these; a delivery row keeps only the text, not the class
ERROR_PREFIXES = (
    ("timed out", "timeout"),
    ("tls", "tls"),
    ("connection refused", "connection_refused"),
    ("dns lookup", "dns"),
    ("blocked:", "blocked"),
    ("template error", "template"),
    ("invalid url", "invalid_url"),
    ("only http", "invalid_url"),
    ("the url has", "invalid_url"),
    ("bad http response", "protocol"),
    ("connection failed", "connection"),
    ("could not send", "connection"),
    ("no listen client", "listen"),
    ("the listen client", "listen"),
    ("the listen session", "listen"),
    ("on the listening machine", "listen_local"),
)


@dataclass
class Explanation:
    tone: str  # "ok" (green), "failed" (red) or "neutral" (skipped: nothing went wrong)
    text: str  # one line, already in the user's language

    @property
    def ok(self):
        return self.tone == "ok"


def error_class_of(error):
    """The engine's error class for an error text it wrote, or None for any other text."""
    lowered = (error or "").lower()
    for prefix, error_class in ERROR_PREFIXES:
        if lowered.startswith(prefix):
            return error_class
    return None


def _detail(error):
    """What the engine said after its own prefix ("TLS error: <detail>")."""
    detail = (error or "").partition(": ")[2] or (error or "")
    return detail.partition(" (not retried:")[0]  # the engine's own note; the sentence says what to do


def _status_text(status, headers, error):
    """What an HTTP answer means and what to do about it."""
    if 300 <= status < 400:
        # an attempt keeps the answer's headers; a delivery row only the engine's "… (not followed) to <url>"
        location = (headers or {}).get("location") or (error or "").partition("(not followed) to ")[2]
        where = _(" to %(location)s", location=location) if location else ""
        return _("Your server answered %(status)d, a redirect%(where)s: webhooks do not follow redirects. "
                 "Put the final address in the webhook URL.", status=status, where=where)
    if status in (401, 403):
        return _("Your server answered %(status)d: it did not accept our credentials. Check the token or "
                 "Authorization header in the webhook's settings.", status=status)
    if status == 404:
        return _("Your server answered 404: nothing is at this address. Check the path of the webhook URL.")
    if status == 410:
        return _("Your server answered 410 Gone: it asked us to stop, so the webhook was disabled. "
                 "Enable it again once the endpoint is back.")
    if status == 413:
        return _("Your server answered 413: the request body is too large for it. Raise its limit, or send "
                 "fewer fields with a body template.")
    if status == 429:
        return _("Your server answered 429: it is receiving too many requests. We wait as long as it asks "
                 "(Retry-After) before trying again.")
    if 400 <= status < 500:
        return _("Your server answered %(status)d: it rejected the request. Its answer below says why; make "
                 "the webhook's URL, headers or body match what it expects.", status=status)
    if status >= 500:
        return _("Your server answered %(status)d: it had an error handling the request. Check its logs.",
                 status=status)
    return _("Your server answered %(status)d, which is not a success.", status=status)


def _error_text(error_class, error, timeout):
    """What a failure without an answer means and what to do about it."""
    detail = _detail(error)
    texts = {
        "timeout": lambda: _("Your server did not answer within %(seconds)s s. Make it answer quickly "
                             "(do slow work after replying).", seconds=f"{timeout:g}"),
        "connection_refused": lambda: _("Nothing is listening at this address (connection refused). Check "
                                        "that your server is running and the port in the URL is right."),
        "dns": lambda: _("The host name could not be found (DNS). Check the spelling of the host in the "
                         "webhook URL."),
        "tls": lambda: _("The secure connection failed (TLS: %(detail)s). Check your server's certificate: "
                         "it must be valid for this host and not expired.", detail=detail),
        "blocked": lambda: _("We did not call this address: %(detail)s. Webhooks only reach the public "
                             "internet; use your server's public URL.", detail=detail),
        "template": lambda: _("The webhook's template could not be rendered for this submission "
                              "(%(detail)s). Fix the template in the webhook's settings.", detail=detail),
        "too_large": lambda: _("The request body is too large to send (%(detail)s). Send fewer fields with "
                               "a body template.", detail=detail),
        "invalid_url": lambda: _("The webhook URL is not one we can call (%(detail)s). Fix it in the "
                                 "webhook's settings.", detail=detail),
        "protocol": lambda: _("Your server closed the connection or sent an answer that is not valid HTTP "
                              "(%(detail)s). Check its logs.", detail=detail),
        "connection": lambda: _("The connection to your server failed (%(detail)s). Check that it is "
                                "reachable from the internet.", detail=detail),
        "listen": lambda: _("The listen session could not deliver this (%(detail)s). Run listen.py again (Test "
                            "on your machine, in the webhook's settings): what waits goes out as soon as it "
                            "connects.", detail=detail),
        "listen_local": lambda: _("The listen client could not reach your local URL (%(detail)s). Check that "
                                  "your server is running on your machine and --forward-to is right.",
                                  detail=detail),
    }
    text = texts.get(error_class)
    return text() if text else (error or _("The attempt failed."))


def _what_next(status, next_attempt_at):
    if status in ("pending", "retrying") and next_attempt_at is not None:
        return _("We will retry at %(time)s.", time=timezones.localtime_filter(next_attempt_at, "time"))
    if status == "failed":
        return _("We have stopped retrying; use Resend once it is fixed.")
    return ""


def explain(status_code=None, error=None, error_class=None, headers=None, delivery_status=None,
            next_attempt_at=None, timeout=15):
    """The plain-words Explanation of one outcome (an attempt, or a delivery's last one)."""
    if error is None and status_code is not None and 200 <= status_code < 300:
        return Explanation("ok", _("Your server answered %(status)d: delivered.", status=status_code))
    error_class = error_class or error_class_of(error)
    if status_code is not None and (error is None or error.startswith("HTTP ")):
        text = _status_text(status_code, headers, error)
    elif error_class is None and error:
        # the engine's own words that need no translation of meaning ("webhook disabled: …")
        text = error
    else:
        text = _error_text(error_class, error, timeout)
    tail = "" if status_code == 410 else _what_next(delivery_status, next_attempt_at)
    return Explanation("failed", f"{text} {tail}".strip())


def _timeout():
    from flask import current_app

    return current_app.config["WEBHOOK_TIMEOUT"]


def delivery_outcome(delivery):
    """A delivery's last outcome in plain words, or None while nothing has happened yet."""
    if delivery.status == "skipped":
        return Explanation("neutral", delivery.last_error or _("Skipped: the conditions did not match."))
    if delivery.status == "succeeded" and delivery.last_status_code:
        return explain(delivery.last_status_code)
    if not delivery.last_error and not delivery.last_status_code:
        return None
    return explain(delivery.last_status_code, delivery.last_error, delivery_status=delivery.status,
                   next_attempt_at=delivery.next_attempt_at, timeout=_timeout())


def attempt_outcome(attempt, delivery=None):
    """One attempt in plain words; with delivery (for its latest attempt), what happens next too."""
    response = attempt.response or {}
    return explain(
        response.get("status"), attempt.error, attempt.error_class, response.get("headers"),
        delivery_status=delivery.status if delivery else None,
        next_attempt_at=delivery.next_attempt_at if delivery else None, timeout=_timeout(),
    )
