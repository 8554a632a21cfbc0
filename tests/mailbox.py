"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it receives."""

import email
import re
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """Collect messages; wait_for(n) blocks until n have arrived."""

    def __init__(self):
        self.messages = []
        self._arrived = threading.Condition()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):
        with self._arrived:
            self.messages.append(email.message_from_bytes(envelope.content))
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} message(s) arrived, expected {count}")
                self._arrived.wait(left)
            return list(self.messages)


@pytest.fixture
def mailbox(app):
    """A Mailbox the app sends its mail to."""
    box = Mailbox()
    box.controller.start()
    app.config["MAIL_URL"] = box.url
    yield box
    box.controller.stop()


def body_of(message):
    return message.get_payload(decode=True).decode()


def signup_link(message):
    """The path of the sign-up link in a mail."""
    return re.search(r"https?://[^/\s]+(/signup/confirm/[\w.-]+)", body_of(message)).group(1)
