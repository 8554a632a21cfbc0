#!/usr/bin/env python3
"""Formhook listen: receive a webhook's deliveries on your own machine, without a tunnel.

    python3 listen.py --url https://forms.example --key fh_... --webhook wh_... \\
        --forward-to http://localhost:3000/hook
    python3 listen.py --url https://forms.example --key fh_... --form frm_... \\
        --forward-to 'http://localhost:3000/hook?campaign={{ campaign_name }}'

The server never connects to your machine: this program connects out to Formhook over HTTPS,
takes each delivery exactly as it would be sent (method, path and query after templating,
headers with the signature, body bytes), sends it to --forward-to, and reports the answer,
which the delivery log records as the attempt ("via listen"). Standard library only, Python 3.9+.
The key may also come from the FORMHOOK_API_KEY environment variable.
"""

import argparse
import base64
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

MAX_ANSWER_BYTES = 64 * 1024  # the server keeps this much of the local answer
MAX_BACKOFF = 10
# deliveries forwarded at once: a slow local answer does not make the ones behind it wait out their timeout
CONCURRENT_DELIVERIES = 8
# the HTTP layer sets these itself for the local request
SKIPPED_HEADERS = {"host", "content-length", "connection", "transfer-encoding"}


class Stop(Exception):
    """The session cannot go on (key revoked, another listener took over)."""


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is reported as it is, as Formhook itself never follows redirects."""

    def redirect_request(self, *args, **kwargs):
        return None


LOCAL = urllib.request.build_opener(NoRedirects, urllib.request.ProxyHandler({}))
SERVER = urllib.request.build_opener(NoRedirects)


class Api:
    """The few calls of Formhook's API v1 this program makes."""

    def __init__(self, base_url, key):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.key = key

    def call(self, method, path, body=None, timeout=30):
        """(status, headers, parsed JSON or None); raises OSError when the server cannot be reached."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": "Bearer " + self.key, "Accept": "application/json",
            "Content-Type": "application/json", "User-Agent": "formhook-listen/1",
        })
        try:
            with SERVER.open(request, timeout=timeout) as response:
                return response.status, response.headers, _json_of(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, _json_of(error.read())


def _json_of(raw):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _message(payload):
    return ((payload or {}).get("error") or {}).get("message", "")


def _fields(payload):
    fields = ((payload or {}).get("error") or {}).get("fields") or {}
    return "; ".join(f"{name} {problem}" for name, problem in fields.items())


def target_url(forward_to, path, rendered=False):
    """The local URL of one delivery: --forward-to's address, its path (or the webhook's), the webhook's query.

    rendered: the webhook's URL is --forward-to itself (a form's local webhook), as templating made it.
    """
    local = urlsplit(forward_to)
    sent = urlsplit(path)
    if rendered:
        return urlunsplit((local.scheme, local.netloc, sent.path or "/", sent.query, ""))
    local_path = local.path if local.path not in ("", "/") else sent.path
    query = "&".join(part for part in (local.query, sent.query) if part)
    return urlunsplit((local.scheme, local.netloc, local_path or "/", query, ""))


def forward(delivery, forward_to, rendered=False):
    """Send one delivery to the local URL; return (the answer to report, the URL it went to)."""
    url = target_url(forward_to, delivery["path"], rendered)
    headers = {k: v for k, v in delivery["headers"].items() if k.lower() not in SKIPPED_HEADERS}
    body = base64.b64decode(delivery["body"])
    method = delivery["method"]
    request = urllib.request.Request(url, data=body if method != "GET" else None, method=method, headers=headers)
    timeout = max(1.0, float(delivery.get("timeout") or 15) - 1)
    started = time.monotonic()
    answer = {"token": delivery["token"], "status": None, "headers": {}, "body": "", "error": None}
    try:
        try:
            response = LOCAL.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            answer["status"] = response.status if hasattr(response, "status") else response.code
            answer["headers"] = dict(response.headers.items())
            answer["body"] = response.read(MAX_ANSWER_BYTES).decode("utf-8", errors="replace")
    except (OSError, ValueError) as error:
        answer["error"] = _describe(error)
    answer["duration_ms"] = int((time.monotonic() - started) * 1000)
    return answer, url


def _describe(error):
    reason = getattr(error, "reason", error)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "timed out"
    return "could not connect: " + (str(reason) or type(reason).__name__)


def summary(delivery, answer, url):
    """One line per delivery: 22:15:03  msg_…  POST /hook?campaign_name=Event%20A  → 200 in 12 ms."""
    parts = urlsplit(url)
    where = parts.path + ("?" + parts.query if parts.query else "")
    result = str(answer["status"]) if answer["status"] is not None else "error: " + answer["error"]
    return "{}  {}  {} {}  \u2192 {} in {} ms".format(
        time.strftime("%H:%M:%S"), delivery["delivery_id"], delivery["method"], where, result, answer["duration_ms"],
    )


class Listener:
    """Opens a session, then takes, forwards and answers deliveries until stopped."""

    def __init__(self, api, webhook_id, forward_to, mode, form_id=None, out=sys.stdout):
        self.api, self.webhook_id, self.forward_to, self.mode, self.out = api, webhook_id, forward_to, mode, out
        self.form_id = form_id  # listen on the form's local webhook rather than on webhook_id
        self.session_id = None
        self.backoff = 1
        self.slots = threading.BoundedSemaphore(CONCURRENT_DELIVERIES)
        self.printing = threading.Lock()

    def say(self, text):
        with self.printing:
            print(text, file=self.out, flush=True)

    def open(self):
        if self.form_id:
            path, body, what = f"/forms/{self.form_id}/listen", {"url": self.forward_to}, self.form_id
        else:
            path, body, what = f"/webhooks/{self.webhook_id}/listen", {"mode": self.mode}, self.webhook_id
        status, _, payload = self.api.call("POST", path, body)
        if status != 201:
            raise Stop(f"could not listen to {what}: {status} {_message(payload)} {_fields(payload)}".rstrip())
        self.session_id, self.webhook_id = payload["id"], payload["webhook_id"]
        if self.form_id:
            self.say(f"Listening to the local webhook {self.webhook_id} of form {self.form_id}: its deliveries "
                     f"go to {self.forward_to}. Ctrl-C to stop.")
        else:
            mode = "instead of" if self.mode == "instead" else "as well as"
            self.say(f"Listening to {self.webhook_id}: deliveries go to {self.forward_to} {mode} "
                     f"{payload.get('url', 'its URL')}. Ctrl-C to stop.")

    def close(self):
        if self.session_id:
            try:
                self.api.call("DELETE", f"/listen/{self.session_id}", timeout=5)
            except OSError:
                pass  # it expires by itself

    def poll_once(self):
        """Take one delivery (or none) and handle it; raises OSError on network trouble."""
        status, headers, payload = self.api.call("GET", f"/listen/{self.session_id}/next", timeout=60)
        self.backoff = 1
        if status == 200:
            self.slots.acquire()  # a free slot first: the next poll waits while all of them are busy
            threading.Thread(target=self._handle_in_slot, args=(payload,), daemon=True).start()
        elif status == 204:
            time.sleep(_seconds(headers.get("Retry-After"), 0))
        elif status == 404:
            self.say("The session ended; opening a new one.")
            self.open()
        elif status == 429:
            time.sleep(_seconds(headers.get("Retry-After"), 1))
        elif status in (401, 409):
            raise Stop(_message(payload) or f"stopped by the server ({status})")
        else:
            raise OSError(f"the server answered {status} {_message(payload)}")

    def _handle_in_slot(self, delivery):
        try:
            self.handle(delivery)
        finally:
            self.slots.release()

    def handle(self, delivery):
        answer, url = forward(delivery, self.forward_to, rendered=bool(self.form_id))
        self.say(summary(delivery, answer, url))
        deadline = time.monotonic() + float(delivery.get("timeout") or 15)
        while True:
            try:
                status, _, payload = self.api.call("POST", f"/listen/{self.session_id}/answers", answer)
                if status == 404:
                    self.say("   (answered too late: Formhook already counted this attempt as timed out)")
                elif status >= 400:
                    self.say(f"   (the answer was refused: {status} {_message(payload)})")
                return
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.5)

    def run(self):
        while True:
            try:
                if self.session_id is None:
                    self.open()
                self.poll_once()
            except OSError as error:
                self.say(f"Connection to Formhook lost ({error}); trying again in {self.backoff} s.")
                time.sleep(self.backoff)
                self.backoff = min(MAX_BACKOFF, self.backoff * 2)


def _seconds(value, default):
    try:
        return min(30.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return default


def main(argv=None):
    parser = argparse.ArgumentParser(description="Receive a Formhook webhook's deliveries on this machine.")
    parser.add_argument("--url", required=True, help="your Formhook address, e.g. https://forms.example")
    parser.add_argument("--key", default=os.environ.get("FORMHOOK_API_KEY"),
                        help="an API key of the workspace (default: $FORMHOOK_API_KEY)")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--webhook", help="the webhook's id (wh_...)")
    which.add_argument("--form", help="a form's id (frm_...): listen on its local webhook (made the first "
                                      "time), whose URL is --forward-to ({{ names }} allowed), sent nowhere else")
    parser.add_argument("--forward-to", required=True, help="the local URL, e.g. http://localhost:3000/hook")
    parser.add_argument("--also", action="store_true",
                        help="the webhook's own URL still gets every delivery; this machine gets a copy")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("give --key or set FORMHOOK_API_KEY")
    if urlsplit(args.forward_to).scheme not in ("http", "https"):
        parser.error("--forward-to must be an http:// or https:// URL")
    if args.also and args.form:
        parser.error("--also needs --webhook: a form's local webhook has no other URL")
    # a shell that starts us in the background ignores SIGINT; Ctrl-C (or kill -INT) must still end the session
    signal.signal(signal.SIGINT, signal.default_int_handler)
    listener = Listener(Api(args.url, args.key), args.webhook, args.forward_to, "also" if args.also else "instead",
                        form_id=args.form)
    try:
        listener.run()
    except Stop as stop:
        listener.say(str(stop))
        return 1
    except KeyboardInterrupt:
        listener.close()
        listener.say("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
