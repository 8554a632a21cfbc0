"""An attempt as a cURL command that sends the identical request."""

import shlex

from app.delivery import sender, templating

# curl adds these itself; the recorded values say what our client sent, not what curl must
SKIPPED_HEADERS = {"content-length", "host", "accept-encoding"}


def unmasked_request(attempt, webhook, delivery):
    """(url, headers) of the attempt, with masked values replaced by the webhook's real ones.

    Only masked values are re-rendered; the recorded webhook-id, timestamp and signature stay,
    so the signature still matches the recorded body.
    """
    url = attempt.request.get("url", "")
    recorded = attempt.request.get("headers") or {}
    if sender.MASK not in url and sender.MASK not in recorded.values():
        return url, dict(recorded)
    try:
        rendered = sender.prepare_request(webhook, delivery)
    except templating.TemplateError:  # the template no longer renders (e.g. past a limit): keep the record
        return url, dict(recorded)
    lowered = {name.lower(): value for name, value in rendered.headers.items()}
    headers = {name: lowered.get(name.lower(), value) if value == sender.MASK else value
               for name, value in recorded.items()}
    return (rendered.url if sender.MASK in url else url), headers


def curl_command(attempt, webhook, delivery):
    """A shell command (POSIX quoting) that repeats attempt byte for byte."""
    request = attempt.request or {}
    method = request.get("method", "POST")
    url, headers = unmasked_request(attempt, webhook, delivery)
    lines = [f"curl --silent --show-error --request {method} {shlex.quote(url)}"]
    for name, value in headers.items():
        if name.lower() not in SKIPPED_HEADERS:
            lines.append(f"--header {shlex.quote(f'{name}: {value}')}")
    body = request.get("body") or ""
    if method != "GET" and body:
        # --data-raw sends the text as given: no @file reading, no newline stripping
        lines.append(f"--data-raw {shlex.quote(body)}")
    return " \\\n  ".join(lines)
