"""An attempt as a cURL command: as recorded (credentials masked), or with the real values on reveal."""

import shlex
import time
from types import SimpleNamespace

from app.core.redaction import is_masked
from app.delivery import sender, signing, templating

# curl adds these itself; the recorded values say what our client sent, not what curl must
SKIPPED_HEADERS = {"content-length", "host", "accept-encoding"}
SIGNATURE_HEADERS = {"webhook-timestamp", "webhook-signature"}


def unmasked_request(attempt, webhook, delivery):
    """(url, headers) of the attempt, with masked values replaced by the webhook's real ones.

    Only masked values are re-rendered; the recorded webhook-id, timestamp and signature stay,
    so the signature still matches the recorded body.
    """
    url = attempt.request.get("url", "")
    recorded = attempt.request.get("headers") or {}
    if not is_masked(url) and not any(is_masked(value) for value in recorded.values()):
        return url, dict(recorded)
    try:
        rendered = sender.prepare_request(webhook, delivery)
    except templating.TemplateError:  # the template no longer renders (e.g. past a limit): keep the record
        return url, dict(recorded)
    lowered = {name.lower(): value for name, value in rendered.headers.items()}
    headers = {name: lowered.get(name.lower(), value) if is_masked(value) else value
               for name, value in recorded.items()}
    return (rendered.url if is_masked(url) else url), headers


def curl_command(attempt, webhook, delivery, reveal=False):
    """A shell command (POSIX quoting) that repeats attempt byte for byte.

    Without reveal the command holds the masks as recorded (safe to paste anywhere, but a
    masked value is sent as the mask); with reveal the real values are filled in.
    """
    request = attempt.request or {}
    method = request.get("method", "POST")
    if reveal:
        url, headers = unmasked_request(attempt, webhook, delivery)
    else:
        url, headers = request.get("url", ""), dict(request.get("headers") or {})
    lines = [f"curl --silent --show-error --request {method} {shlex.quote(url)}"]
    for name, value in headers.items():
        if name.lower() not in SKIPPED_HEADERS:
            lines.append(f"--header {shlex.quote(f'{name}: {value}')}")
    body = request.get("body") or ""
    if method != "GET" and body:
        # --data-raw sends the text as given: no @file reading, no newline stripping
        lines.append(f"--data-raw {shlex.quote(body)}")
    return " \\\n  ".join(lines)


def resigned_curl_command(attempt, webhook, delivery, now=None):
    """The attempt as a cURL command signed afresh: this moment's webhook-timestamp, the current secret(s).

    The same webhook-id, URL, headers and body as the attempt, so a receiver that checks the
    Standard Webhooks five-minute window (and drops duplicates by webhook-id) accepts it once.
    """
    request = attempt.request or {}
    body = (request.get("body") or "") if request.get("method", "POST") != "GET" else ""
    headers = {name: value for name, value in (request.get("headers") or {}).items()
               if name.lower() not in SIGNATURE_HEADERS}
    headers.update(signing.signed_headers(webhook.signing_secrets(), delivery.id, now or time.time(), body))
    # the exact-request builder does the quoting and unmasking; it sees this attempt with fresh signature headers
    resigned = SimpleNamespace(**{**vars(attempt), "request": {**request, "headers": headers}})
    return curl_command(resigned, webhook, delivery)


def has_masked_values(attempt):
    """True when the recorded request hides something the reveal would fill in."""
    request = attempt.request or {}
    return is_masked(request.get("url")) or any(is_masked(value) for value in (request.get("headers") or {}).values())
