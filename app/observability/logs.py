"""Logs as one JSON object per line, carrying the request id or the delivery id."""

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request

from app.core import queue

REQUEST_ID_HEADER = "X-Request-Id"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _current_delivery_id():
    """The delivery id of the queued job running in this thread, if any."""
    try:
        args = queue.current_job_args()
    except Exception:  # outside a worker there is no job to ask about
        return None
    return args[0] if args and str(args[0]).startswith("msg_") else None


class JsonLogFormatter(logging.Formatter):
    """Format a record as a single JSON line."""

    def format(self, record):
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
            entry["method"] = request.method
            entry["path"] = request.path
            entry["client"] = request.remote_addr  # the real client's, behind TRUSTED_PROXIES
        delivery_id = getattr(record, "delivery_id", None) or _current_delivery_id()
        if delivery_id:
            entry["delivery_id"] = delivery_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_json_logging(level=logging.INFO, stream=None):
    """Send every log record to stream (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # one line per plugin on every start says nothing an operator needs
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def init_request_ids(app):
    """Give each request an id (the caller's X-Request-Id when sane) and echo it back."""

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def send_request_id(response):
        if "request_id" in g:
            response.headers[REQUEST_ID_HEADER] = g.request_id
        return response
