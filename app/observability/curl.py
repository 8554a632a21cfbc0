"""An attempt as a cURL command that sends the identical request."""

import shlex

from app.delivery import sender

# curl adds these itself; the recorded values say what our client sent, not what curl must
SKIPPED_HEADERS = {"content-length", "host", "accept-encoding"}


def real_headers(attempt, webhook, delivery):
    """The attempt's recorded headers, with masked values replaced by the webhook's real ones."""
    recorded = attempt.request.get("headers") or {}
    masked = [name for name, value in recorded.items() if value == sender.MASK]
    if not masked:
        return dict(recorded)
    rendered = sender.prepare_request(webhook, delivery).headers
    lowered = {name.lower(): value for name, value in rendered.items()}
    return {name: lowered.get(name.lower(), value) if value == sender.MASK else value
            for name, value in recorded.items()}


def curl_command(attempt, webhook, delivery):
    """A shell command (POSIX quoting) that repeats attempt byte for byte."""
    request = attempt.request or {}
    method = request.get("method", "POST")
    lines = [f"curl --silent --show-error --request {method} {shlex.quote(request.get('url', ''))}"]
    for name, value in real_headers(attempt, webhook, delivery).items():
        if name.lower() not in SKIPPED_HEADERS:
            lines.append(f"--header {shlex.quote(f'{name}: {value}')}")
    body = request.get("body") or ""
    if method != "GET" and body:
        # --data-raw sends the text as given: no @file reading, no newline stripping
        lines.append(f"--data-raw {shlex.quote(body)}")
    return " \\\n  ".join(lines)
