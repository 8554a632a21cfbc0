"""Dashboard times in the workspace's zone: pages label them (`16:00 WIB`), filter boxes are read as local."""

from datetime import UTC, datetime, timedelta

import pytest

from app.core.extensions import db
from app.models import Attempt, CaptureBin, Delivery, Submission, Workspace
from tests.conftest import make_form, make_webhook

RECEIVED = datetime(2026, 1, 10, 20, 0, tzinfo=UTC)  # 2026-01-11 03:00 in Jakarta
SENT = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)  # 16:00 in Jakarta


@pytest.fixture
def jakarta(app, client, accounts):
    """A logged-in owner whose workspace is in Asia/Jakarta, with one submission, delivery and attempt."""
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "http://127.0.0.1:9/hook")
    with app.app_context():
        db.session.get(Workspace, workspace_id).timezone = "Asia/Jakarta"
        submission = Submission(workspace_id=workspace_id, form_id=form_id, created_at=RECEIVED,
                                answers={"name": "Sari", "email": "sari@example.com"}, meta={})
        db.session.add(submission)
        db.session.flush()
        delivery = Delivery(workspace_id=workspace_id, webhook_id=webhook_id, submission_id=submission.id,
                            payload={}, status="failed", attempt_count=1, created_at=SENT)
        db.session.add(delivery)
        db.session.flush()
        db.session.add(Attempt(delivery_id=delivery.id, at=SENT + timedelta(seconds=5), request={}, error="x"))
        db.session.commit()
        return {"form": form_id, "webhook": webhook_id, "submission": submission.id, "delivery": delivery.id}


def test_pages_show_times_on_the_workspace_clock(client, jakarta):
    listing = client.get(f"/forms/{jakarta['form']}/submissions").get_data(as_text=True)
    assert "Jan 11, 2026, 03:00 WIB" in listing
    detail = client.get(f"/forms/{jakarta['form']}/submissions/{jakarta['submission']}").get_data(as_text=True)
    assert "Jan 11, 2026, 03:00:00 WIB" in detail and "UTC" not in detail
    log = client.get(f"/webhooks/{jakarta['webhook']}/deliveries").get_data(as_text=True)
    assert "Jan 10, 2026, 16:00:00 WIB" in log and "(UTC)" not in log
    attempt = client.get(f"/deliveries/{jakarta['delivery']}").get_data(as_text=True)
    assert "Jan 10, 2026, 16:00:05 WIB" in attempt


def test_delivery_filters_read_local_times(client, jakarta):
    log = f"/webhooks/{jakarta['webhook']}/deliveries"

    def shown(query):
        return jakarta["delivery"] in client.get(f"{log}?{query}").get_data(as_text=True)

    assert shown("since=2026-01-10T15:30&until=2026-01-10T16:30")  # 16:00 WIB
    assert not shown("since=2026-01-10T08:30&until=2026-01-10T09:30")  # its UTC time is not what a user types
    assert shown("since=2026-01-10T16:00&until=2026-01-10T16:00")  # until takes the whole minute
    assert not shown("since=2026-01-10T16:01")
    form_log = f"/forms/{jakarta['form']}/deliveries"
    assert jakarta["delivery"] in client.get(f"{form_log}?since=2026-01-10T15:00").get_data(as_text=True)
    assert jakarta["delivery"] not in client.get(f"{form_log}?until=2026-01-10T15:00").get_data(as_text=True)
    page = client.get(f"{form_log}?since=2026-01-10T15:00").get_data(as_text=True)
    assert 'type="datetime-local" name="since" value="2026-01-10T15:00"' in page and "Asia/Jakarta" in page
    bad = client.get(f"{form_log}?until=soon")
    assert bad.status_code == 400 and "To: not a date or time" in bad.get_data(as_text=True)


def test_submission_dates_are_local_days_and_the_export_follows(client, jakarta):
    index = f"/forms/{jakarta['form']}/submissions"

    def listed(query):
        return jakarta["submission"] in client.get(f"{index}?{query}").get_data(as_text=True)

    # received 20:00 UTC on the 10th: the 11th in Jakarta
    assert listed("from=2026-01-11&to=2026-01-11")
    assert not listed("from=2026-01-10&to=2026-01-10")
    assert not listed("from=2026-01-12")
    page = client.get(f"{index}?from=2026-01-11").get_data(as_text=True)
    assert 'type="date" name="from" value="2026-01-11"' in page
    assert "submissions.csv?from=2026-01-11" in page
    assert jakarta["submission"] in client.get(f"/forms/{jakarta['form']}/submissions.csv?from=2026-01-11").get_data(
        as_text=True)
    assert jakarta["submission"] not in client.get(
        f"/forms/{jakarta['form']}/submissions.csv?to=2026-01-10").get_data(as_text=True)
    bad = client.get(f"{index}?from=31/12/2026")
    assert bad.status_code == 400 and "From: not a date or time" in bad.get_data(as_text=True)
    assert client.get(f"/forms/{jakarta['form']}/submissions.csv?to=31/12/2026").status_code == 400


def test_resend_failed_since_is_a_local_time(app, client, jakarta):
    resend = f"/webhooks/{jakarta['webhook']}/resend-failed"
    # 16:30 WIB is after the failure (16:00 WIB): nothing to resend; 15:30 WIB is before it
    assert "Resending 0 failed deliveries" in client.post(
        resend, data={"since": "2026-01-10T16:30"}, follow_redirects=True).get_data(as_text=True)
    assert "Resending 1 failed delivery" in client.post(
        resend, data={"since": "2026-01-10T15:30"}, follow_redirects=True).get_data(as_text=True)


def test_retry_sentence_health_chart_and_inspector_speak_local_time(app, client, jakarta):
    with app.app_context():
        delivery = db.session.get(Delivery, jakarta["delivery"])
        delivery.status, delivery.next_attempt_at = "retrying", datetime(2026, 1, 10, 9, 5, tzinfo=UTC)
        db.session.commit()
    page = client.get(f"/deliveries/{jakarta['delivery']}").get_data(as_text=True)
    assert "We will retry at 16:05 WIB." in page and "Jan 10, 2026, 16:05:00 WIB" in page
    health = client.get(f"/webhooks/{jakarta['webhook']}/health").get_data(as_text=True)
    assert " WIB — " in health and ":00 UTC" not in health
    bin_id = client.post("/inspector", data={"name": "local"}).headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        token = db.session.get(CaptureBin, bin_id).token
    assert client.post(f"/in/{token}/lead", data=b"{}").status_code == 200
    (item,) = client.get(f"/inspector/{bin_id}/requests.json").get_json()["data"]
    assert item["at"].endswith("+00:00") and item["at_label"].endswith(" WIB")  # the data stays UTC
    assert item["at_label"] in client.get(f"/inspector/{bin_id}").get_data(as_text=True)
