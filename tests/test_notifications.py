"""Mail about submissions, through a real SMTP server on 127.0.0.1: owners, autoresponder, outage, digest."""

import json
from datetime import timedelta
from email.header import decode_header, make_header

import pytest

from app.core.extensions import db
from app.models import Delivery, Form, Mail, Submission
from app.runtime.worker import sweep_once
from app.services import digests
from app.services.mail_queue import JOB_ID_PREFIX
from app.services.notification_settings import SettingsRefused, clean_settings
from app.services.notifications import add_submission_mail
from tests.conftest import drain, make_form, make_webhook
from tests.mailbox import Mailbox
from tests.mailbox import body_of as raw_body_of
from tests.test_notices import _bring_forward

ANSWERS = {"name": "Zoë Ana", "email": "ana@example.com"}


def _notifying_form(app, accounts, language="auto", **settings):
    user_id, workspace_id = accounts.user("owner@example.com")
    notifications = {"members": [user_id], "emails": ["sales@example.com"], **settings}
    form_id, public_id = make_form(app, workspace_id, name="Spring leads", language=language,
                                   notifications=notifications)
    return form_id, public_id


def _mails(app, **where):
    with app.app_context():
        mails = db.session.scalars(db.select(Mail).filter_by(**where).order_by(Mail.kind)).all()
        db.session.expunge_all()
        return mails


def body_of(message):
    return raw_body_of(message).replace("\r\n", "\n")  # SMTP carries CRLF line ends


def subject_of(message):
    return str(make_header(decode_header(message["Subject"])))


def _by_recipient(messages):
    return {message["To"]: message for message in messages}


def test_a_submission_mails_the_owners_and_confirms_to_the_respondent_in_indonesian(app, client, accounts, mailbox):
    _, public_id = _notifying_form(app, accounts, language="id", autoresponder={
        "field": "email", "subject": "Terima kasih, {{ name }}", "body": "",
    })
    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    drain(app)
    messages = _by_recipient(mailbox.wait_for(2))
    owner = messages["owner@example.com, sales@example.com"]
    assert owner["Reply-To"] == "ana@example.com"
    assert subject_of(owner) == "Kiriman baru: Spring leads"
    owner_body = body_of(owner)
    assert "Name: Zoë Ana\n" in owner_body and "Email: ana@example.com\n" in owner_body
    assert "Campaign: spring" in owner_body, "every answer by its label, hidden ones too"
    reply = messages["ana@example.com"]
    assert subject_of(reply) == "Terima kasih, Zoë Ana", "the answer is piped into the subject"
    assert "Kami telah menerima jawaban Anda" in body_of(reply) and "Name: Zoë Ana" in body_of(reply)
    assert {(m.kind, m.status, m.attempts) for m in _mails(app)} == {("autoresponse", "sent", 1), ("owner", "sent", 1)}


def test_an_auto_form_answers_in_the_visitors_language(app, client, accounts, mailbox):
    _, public_id = _notifying_form(app, accounts, members=[], emails=[], autoresponder={"field": "email"})
    client.post(f"/f/{public_id}", json=ANSWERS, headers={"Accept-Language": "id-ID,id;q=0.9"})
    client.post(f"/f/{public_id}", json={**ANSWERS, "email": "bo@example.com"}, headers={"Accept-Language": "en"})
    drain(app)
    messages = _by_recipient(mailbox.wait_for(2))
    assert subject_of(messages["ana@example.com"]) == "Kami telah menerima jawaban Anda: Spring leads"
    assert subject_of(messages["bo@example.com"]) == "We received your answers: Spring leads"


def test_owner_templates_pipe_the_answers(app, client, accounts, mailbox):
    _, public_id = _notifying_form(
        app, accounts, subject="Lead: {{ name }}\r\nBcc: x@evil.example", body="{{ name }} wrote.\n\n{{ all_answers }}",
    )
    client.post(f"/f/{public_id}", json=ANSWERS)
    drain(app)
    (message,) = mailbox.wait_for(1)
    assert subject_of(message) == "Lead: Zoë Ana Bcc: x@evil.example" and message["Bcc"] is None
    assert body_of(message).startswith("Zoë Ana wrote.\n\nName: Zoë Ana\nEmail: ana@example.com")


@pytest.mark.app_config(MAIL_RETRY_SCHEDULE=[600])
def test_with_smtp_down_the_submission_and_webhook_go_through_and_the_mail_follows(app, client, accounts, receiver):
    mailbox = Mailbox()  # its port is chosen, nothing listens on it yet
    app.config["MAIL_URL"] = mailbox.url
    form_id, public_id = _notifying_form(app, accounts, autoresponder={"field": "email"})
    make_webhook(app, form_id, receiver.url)
    response = client.post(f"/f/{public_id}", json=ANSWERS)
    assert response.status_code == 201
    drain(app)
    (request,) = receiver.wait_for(1)
    assert json.loads(request.body)["data"]["submission"]["answers"]["name"] == "Zoë Ana"
    with app.app_context():
        assert db.session.get(Submission, response.get_json()["submission_id"]) is not None
        assert db.session.scalars(db.select(Delivery.status)).all() == ["succeeded"]
    mails = _mails(app)
    assert [(m.status, m.attempts, m.error_code) for m in mails] == [("retrying", 1, "refused")] * 2
    mailbox.controller.start()
    try:
        for mail in mails:
            _bring_forward(app, f"{JOB_ID_PREFIX}{mail.id}-2")
        drain(app)
        assert set(_by_recipient(mailbox.wait_for(2))) == {"owner@example.com, sales@example.com", "ana@example.com"}
    finally:
        mailbox.controller.stop()
    mails = _mails(app)
    assert [(m.status, m.attempts, m.error_code) for m in mails] == [("sent", 2, None)] * 2
    assert [t["error_code"] for t in mails[0].tries] == ["refused", None]


def test_a_digest_form_sends_one_summary(app, client, accounts, mailbox):
    form_id, public_id = _notifying_form(app, accounts, digest="hourly")
    for number in range(3):
        client.post(f"/f/{public_id}", json={**ANSWERS, "name": f"Lead {number}"})
    drain(app)
    assert mailbox.messages == [] and {m.status for m in _mails(app)} == {"held"}
    with app.app_context():
        assert digests.send_due() == 0, "the hour the submissions came in has not ended"
        for mail in db.session.scalars(db.select(Mail)):
            mail.created_at -= timedelta(hours=1)
        db.session.commit()
        sweep_once(app)  # the worker's sweep writes the digest
        assert digests.send_due() == 0, "nothing is summarised twice"
    drain(app)
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "owner@example.com, sales@example.com"
    assert subject_of(message) == "Hourly summary: 3 new submissions to Spring leads"
    body = body_of(message)
    assert all(f"Name: Lead {number}" in body for number in range(3))
    (digest,) = _mails(app, kind="digest")
    assert digest.status == "sent"
    assert {(m.status, m.digest_id) for m in _mails(app, kind="owner")} == {("bundled", digest.id)}


@pytest.mark.app_config(MAIL_RETRY_SCHEDULE=[600])
def test_a_mail_whose_job_redis_lost_is_sent_by_the_sweep(app, client, accounts, mailbox):
    _, public_id = _notifying_form(app, accounts)
    client.post(f"/f/{public_id}", json=ANSWERS)
    app.redis.flushdb()  # the job queued after the commit is lost
    with app.app_context():
        (mail,) = db.session.scalars(db.select(Mail)).all()
        mail.created_at -= timedelta(minutes=5)
        db.session.commit()
        assert sweep_once(app) == 0, "no delivery to requeue; the mail is queued beside them"
    drain(app)
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "owner@example.com, sales@example.com"
    assert [m.status for m in _mails(app)] == ["sent"]


def test_mail_is_written_once_per_submission(app, client, accounts):
    form_id, public_id = _notifying_form(app, accounts, autoresponder={"field": "email"})
    submission_id = client.post(f"/f/{public_id}", json=ANSWERS).get_json()["submission_id"]
    with app.app_context():
        form, submission = db.session.get(Form, form_id), db.session.get(Submission, submission_id)
        assert add_submission_mail(form, submission) == [], "a release after intake adds nothing"
        db.session.commit()
    assert sorted(m.kind for m in _mails(app)) == ["autoresponse", "owner"]


def test_a_form_without_settings_writes_no_mail(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    assert _mails(app) == []


def test_bad_settings_are_refused_naming_each_setting(app, accounts):
    form_id, _ = _notifying_form(app, accounts)
    with app.app_context():
        form = db.session.get(Form, form_id)
        with pytest.raises(SettingsRefused) as refused:
            clean_settings(form, {
                "members": ["usr_stranger"], "emails": ["not an address"], "digest": "weekly",
                "subject": "{{ name.__class__ }}", "autoresponder": {"field": "name"},
            })
    assert set(refused.value.fields) == {"members", "emails", "digest", "subject", "autoresponder.field"}
