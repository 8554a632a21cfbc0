"""Owner notices: written with the disable, mailed by a queued job that waits out an SMTP outage."""

from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue
from rq.job import Job

from app.core import queue
from app.core.extensions import db
from app.models import AuditEvent, Mail, Webhook
from app.services.mail_queue import JOB_ID_PREFIX
from tests.conftest import drain, make_form, make_webhook
from tests.mailbox import Mailbox
from tests.receiver import Reply


def _gone_webhook(app, accounts, client, receiver, mail_url):
    app.config["MAIL_URL"] = mail_url
    _, workspace_id = accounts.user("owner@example.com")
    form_id, public_id = make_form(app, workspace_id, name="Spring leads")
    webhook_id = make_webhook(app, form_id, receiver.url)
    receiver.default = Reply(status=410)
    assert client.post(f"/f/{public_id}", json={"name": "Ana", "email": "a@example.com"}).status_code == 201
    drain(app)
    return webhook_id


def _notice(app):
    with app.app_context():
        notice = db.session.scalars(db.select(Mail)).one()
        db.session.expunge(notice)
        return notice


def _bring_forward(app, job_id):
    """Make a scheduled retry due now (its backoff is minutes; the test does not wait them out)."""
    registry = Queue(queue.QUEUE_NAME, connection=app.redis).scheduled_job_registry
    registry.schedule(Job.fetch(job_id, connection=app.redis), datetime.now(UTC) - timedelta(seconds=1))
    scheduler = queue.Scheduler(app)  # the worker's scheduler moves it
    try:
        scheduler.tick()
    finally:
        scheduler.release()


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[], MAIL_RETRY_SCHEDULE=[600, 1800])
def test_with_smtp_down_the_disable_happens_and_the_mail_goes_when_smtp_returns(app, client, accounts, receiver):
    mailbox = Mailbox()  # its port is chosen, nothing listens on it yet
    webhook_id = _gone_webhook(app, accounts, client, receiver, mailbox.url)
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert not webhook.enabled and webhook.disabled_reason == "the endpoint answered 410 Gone"
        assert [e.action for e in db.session.scalars(db.select(AuditEvent))] == ["disabled"]
    notice = _notice(app)
    assert notice.webhook_id == webhook_id and notice.recipients == ["owner@example.com"]
    assert notice.attempts == 1 and notice.sent_at is None and notice.last_error
    retry_id = f"{JOB_ID_PREFIX}{notice.id}-2"
    retry_at = queue.scheduled_jobs(app)[retry_id]
    backoff = (retry_at - notice.created_at).total_seconds()
    assert 600 * 0.9 - 5 <= backoff <= 600 * 1.1 + 5, f"the first retry waits the schedule's 600 s ±10%, not {backoff}"

    mailbox.controller.start()
    try:
        _bring_forward(app, retry_id)
        drain(app)
        (message,) = mailbox.wait_for(1)
    finally:
        mailbox.controller.stop()
    assert message["To"] == "owner@example.com" and message["Subject"] == "Webhook disabled: Spring leads"
    assert f"/webhooks/{webhook_id}/deliveries" in message.get_payload(decode=True).decode()
    notice = _notice(app)
    assert notice.sent_at is not None and notice.attempts == 2 and notice.last_error is None


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[], MAIL_RETRY_SCHEDULE=[600])
def test_the_mail_job_gives_up_after_its_schedule(app, client, accounts, receiver, caplog):
    mailbox = Mailbox()  # never started: the SMTP server stays away
    _gone_webhook(app, accounts, client, receiver, mailbox.url)
    notice = _notice(app)
    _bring_forward(app, f"{JOB_ID_PREFIX}{notice.id}-2")
    drain(app)
    notice = _notice(app)
    assert notice.attempts == 2 and notice.sent_at is None
    assert "gave up on mail" in caplog.text
    assert not queue.scheduled_jobs(app), "no third try is queued"


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_a_duplicate_mail_job_sends_nothing_twice(app, client, accounts, receiver):
    mailbox = Mailbox()
    mailbox.controller.start()
    try:
        _gone_webhook(app, accounts, client, receiver, mailbox.url)
        mailbox.wait_for(1)
        from app.services.mail_queue import enqueue_mail

        with app.app_context():
            assert enqueue_mail(_notice(app).id, attempt=9)
        drain(app)
        assert len(mailbox.messages) == 1
    finally:
        mailbox.controller.stop()


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[], MAIL_RETRY_SCHEDULE=[600])
def test_a_notice_whose_job_redis_lost_is_mailed_by_the_sweep(app, client, accounts, receiver):
    from app.runtime.worker import sweep_once

    mailbox = Mailbox()  # away for the first try, so the second waits in the scheduler
    _gone_webhook(app, accounts, client, receiver, mailbox.url)
    notice = _notice(app)
    retry_id = f"{JOB_ID_PREFIX}{notice.id}-2"
    due = queue.scheduled_jobs(app)[retry_id]
    with app.app_context():
        assert sweep_once(app) == 0 and not queue.waiting_job_ids(app), "a scheduled try is left alone"
    app.redis.flushdb()  # Redis lost every job
    with app.app_context():
        db.session.get(Mail, notice.id).created_at = notice.created_at - timedelta(minutes=5)
        db.session.commit()
        sweep_once(app)
    assert abs((queue.scheduled_jobs(app)[retry_id] - due).total_seconds()) < 1, "scheduled again for its time"
    mailbox.controller.start()
    try:
        _bring_forward(app, retry_id)
        drain(app)
        (message,) = mailbox.wait_for(1)
    finally:
        mailbox.controller.stop()
    assert message["Subject"] == "Webhook disabled: Spring leads"
    notice = _notice(app)
    assert notice.sent_at is not None and notice.status == "sent"
