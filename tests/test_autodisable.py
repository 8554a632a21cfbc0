"""Auto-disable with notice: the window, 410, the owners' email (real SMTP server), banner, re-enable."""

import email
import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from app.core.extensions import db
from app.models import Attempt, AuditEvent, Delivery, Webhook
from app.services.deliveries import send_test_event
from tests.conftest import drain, make_form, make_webhook
from tests.receiver import Reply


class Inbox(Message):
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


def _setup(app, accounts, url, smtp_url):
    app.config["MAIL_URL"] = smtp_url
    _, workspace_id = accounts.user("owner@example.com")
    accounts.user("teammate@example.com", workspace=None)
    form_id, public_id = make_form(app, workspace_id, name="Spring leads")
    return form_id, public_id, make_webhook(app, form_id, url)


def _submit(client, public_id, name="Ana"):
    assert client.post(f"/f/{public_id}", json={"name": name, "email": "a@example.com"}).status_code == 201


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[], WEBHOOK_DISABLE_AFTER=3600)
def test_failing_for_the_whole_window_disables_and_emails_the_owners(app, client, accounts, receiver, smtp_server):
    form_id, public_id, webhook_id = _setup(app, accounts, receiver.url, smtp_server.url)
    receiver.default = Reply(status=500, body=b"boom")
    _submit(client, public_id, "first")
    drain(app)
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).enabled, "one failure inside the window changes nothing"
        # the streak began two hours ago
        db.session.scalars(db.select(Attempt)).one().at = datetime.now(UTC) - timedelta(hours=2)
        db.session.commit()

    _submit(client, public_id, "second")
    drain(app)
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert not webhook.enabled
        assert webhook.disabled_reason.startswith("failing continuously since")
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert event.action == "disabled" and event.actor == "Formhook"

    (message,) = smtp_server.messages
    parsed = email.message_from_string(message.as_string())
    assert parsed["To"] == "owner@example.com"
    assert parsed["Subject"] == "Webhook disabled: Spring leads"
    body = parsed.get_payload(decode=True).decode()
    assert "failing continuously since" in body and f"/webhooks/{webhook_id}/deliveries" in body

    accounts.login(client)
    page = client.get("/forms").get_data(as_text=True)
    assert "is disabled: failing continuously since" in page and 'data-banner="webhook-disabled"' in page


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[0, 0])
def test_410_disables_at_once_and_emails_once(app, client, accounts, receiver, smtp_server):
    _, public_id, webhook_id = _setup(app, accounts, receiver.url, smtp_server.url)
    receiver.default = Reply(status=410)
    _submit(client, public_id)
    drain(app)
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert not webhook.enabled and webhook.disabled_reason == "the endpoint answered 410 Gone"
    assert len(receiver.requests) == 1
    assert len(smtp_server.messages) == 1
    assert "410 Gone" in smtp_server.messages[0].get_payload()

    # a test event still goes to a disabled webhook: its 410 disables nothing twice and mails no one again
    with app.app_context():
        send_test_event(db.session.get(Webhook, webhook_id))
        db.session.commit()
    drain(app)
    assert len(receiver.requests) == 2
    with app.app_context():
        assert [e.action for e in db.session.scalars(db.select(AuditEvent))] == ["disabled"]
    assert len(smtp_server.messages) == 1


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_reenable_resends_the_backlog_on_request(app, client, accounts, receiver, smtp_server):
    _, public_id, webhook_id = _setup(app, accounts, receiver.url, smtp_server.url)
    receiver.reply(Reply(status=410))
    _submit(client, public_id, "failed while gone")
    drain(app)
    _submit(client, public_id, "arrived while disabled")
    drain(app)
    with app.app_context():
        assert len(db.session.scalars(db.select(Delivery)).all()) == 1

    accounts.login(client)
    page = client.get(f"/webhooks/{webhook_id}/deliveries").get_data(as_text=True)
    main = page[page.find("<main"):]
    assert "This webhook is disabled" in page and "2 deliveries to resend" in page, main
    response = client.post(f"/webhooks/{webhook_id}/enable", data={"resend_backlog": "y"}, follow_redirects=True)
    assert "Resending 2 missed deliveries" in response.get_data(as_text=True)
    drain(app)
    names = sorted(r.text for r in receiver.wait_for(3)[1:])
    assert any("failed while gone" in text for text in names)
    assert any("arrived while disabled" in text for text in names)
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).enabled
        actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.at))]
    assert actions == ["disabled", "enabled"]


def test_console_mail_prints_the_message(app, capsys):
    from app.services.mail import send_mail

    with app.app_context():
        assert send_mail(["owner@example.com"], "Hello", "Body text", mail_url="console://")
    printed = capsys.readouterr().out
    assert "Subject: Hello" in printed and "Body text" in printed


def test_unreachable_smtp_server_is_logged_not_raised(app, caplog):
    from app.services.mail import send_mail

    with app.app_context():
        assert send_mail(["owner@example.com"], "Hello", "Body", mail_url=f"smtp://127.0.0.1:{_free_port()}") is False
    assert "could not send mail" in caplog.text
