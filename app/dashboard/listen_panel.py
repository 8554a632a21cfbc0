"""The webhook editor's "Test on your machine": the listen command to copy, and whether a client is connected."""

import shlex
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request
from redis import RedisError

from app.core.redaction import redact
from app.delivery import listen_sessions

KEY_PLACEHOLDER = "YOUR_API_KEY"
LOCAL_ORIGIN = "http://localhost:3000"


@dataclass
class ListenPanel:
    download: str  # the command that fetches the client
    command: str  # the command that runs it for this webhook
    connected: bool
    mode: str | None  # the open session's mode, None when there is none


def forward_to_for(webhook):
    """A sensible local URL: the webhook's own path on localhost:3000 (a local webhook's URL is already local)."""
    if webhook.listen_only:
        return webhook.url
    path = urlsplit(webhook.url).path if webhook.url else ""
    if redact(path) != path:
        return LOCAL_ORIGIN + "/hook"  # the path holds a credential (a bot token): the command must not show it
    return LOCAL_ORIGIN + (path if path.startswith("/") else "/")


def listen_command(base_url, webhook):
    """The exact command for this webhook, with a placeholder where the API key goes."""
    which = ("--form", webhook.form_id) if webhook.listen_only else ("--webhook", webhook.id)
    words = ["python3", "listen.py", "--url", base_url, "--key", KEY_PLACEHOLDER, *which,
             "--forward-to", forward_to_for(webhook)]
    return " ".join(shlex.quote(word) for word in words)


def _session_state(webhook_id):
    try:
        route = listen_sessions.routes_for(current_app.redis, [webhook_id]).get(webhook_id)
    except RedisError:
        return False, None
    return (route[2], route[1]) if route else (False, None)


def listen_panel(webhook):
    """What the editor shows for webhook, read now."""
    base_url = request.host_url.rstrip("/")
    connected, mode = _session_state(webhook.id)
    return ListenPanel(
        download=f"curl -O {shlex.quote(base_url + '/static/listen.py')}",
        command=listen_command(base_url, webhook), connected=connected, mode=mode,
    )
