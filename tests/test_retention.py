"""The retention purge: 91 days later, exactly what is past its retention goes, in batches, while posts arrive."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.extensions import db
from app.files.storage import storage
from app.models import (
    Attempt,
    CaptureBin,
    CapturedRequest,
    Delivery,
    Form,
    StoredFile,
    Submission,
    Workspace,
    delivery_rollups,
)
from app.models.base import set_clock_offset, utcnow
from app.models.ids import new_id
from app.observability.health import endpoint_health
from app.services import retention
from tests.api_support import ApiClient
from tests.conftest import drain, make_form, make_webhook


@pytest.fixture
def later():
    """Move the app's clock; put it back afterwards."""
    yield set_clock_offset
    set_clock_offset(timedelta(0))


def _post(client, public_id, name):
    assert client.post(f"/f/{public_id}", json={"name": name, "email": f"{name}@example.com"}).status_code == 201


def _count(model, *conditions):
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _with_file(submission_id):
    """Give a stored submission one uploaded file, bytes in storage; return its storage key."""
    submission = db.session.get(Submission, submission_id)
    file_id = new_id("fil")
    key = f"{submission.workspace_id}/{file_id}"
    storage().put(key, b"cv bytes", "application/pdf")
    db.session.add(StoredFile(id=file_id, workspace_id=submission.workspace_id, form_id=submission.form_id,
                              submission_id=submission.id, field_key="cv", name="cv.pdf", size=8,
                              content_type="application/pdf", storage_key=key))
    return key


def _open_delivery(workspace_id, webhook_id):
    """A delivery still retrying, with an attempt made now: it must outlive any retention."""
    delivery = Delivery(workspace_id=workspace_id, webhook_id=webhook_id, status="retrying", attempt_count=1)
    delivery.attempts.append(Attempt(request={}, error="connection refused", duration_ms=5))
    db.session.add(delivery)
    db.session.flush()
    return delivery


def _capture(workspace_id, count):
    capture_bin = CaptureBin(workspace_id=workspace_id, name="bin", expires_at=utcnow() + timedelta(days=365))
    for _ in range(count):
        capture_bin.requests.append(CapturedRequest(method="POST", path="/", headers={}, body="{}"))
    db.session.add(capture_bin)


def _metric(text, name):
    line = next(line for line in text.splitlines() if line.startswith(name + " "))
    return float(line.split()[-1])


def test_purge_91_days_later_removes_exactly_what_is_past_retention(app, client, accounts, receiver, later):
    _, workspace_id = accounts.user()
    kept_form, kept_public = make_form(app, workspace_id, name="Kept")
    purged_form, purged_public = make_form(app, workspace_id, name="Kept 30 days")
    webhook_id = make_webhook(app, purged_form, receiver.url)
    make_webhook(app, kept_form, receiver.url)
    for name in ("ana", "budi", "citra"):
        _post(client, kept_public, name)
        _post(client, purged_public, name)
    drain(app)  # six deliveries succeeded, one attempt each
    with app.app_context():
        db.session.get(Form, purged_form).submission_retention_days = 30
        oldest = db.session.scalars(select(Submission.id).where(Submission.form_id == purged_form)).first()
        file_key = _with_file(oldest)
        open_id = _open_delivery(workspace_id, webhook_id).id
        _capture(workspace_id, 3)
        db.session.commit()
        health_before = endpoint_health(webhook_id)
        attempts_before = _count(Attempt)
    metrics_before = client.get("/metrics").get_data(as_text=True)

    later(timedelta(days=91))
    _post(client, purged_public, "dewi")  # recent: kept
    with app.app_context():
        _capture(workspace_id, 1)
        db.session.commit()
        batches = []
        for index, batch in enumerate(retention.purge_batches(size=2)):
            batches.append((batch.kind, batch.rows))
            _post(client, purged_public, f"late{index}")  # intake between two batches

        assert batches == [("attempts", 2)] * 3 + [("deliveries", 2)] * 3 + [("captures", 2), ("captures", 1),
                                                                              ("submissions", 2), ("submissions", 1)]
        assert _count(Attempt) == 1 and db.session.get(Delivery, open_id).status == "retrying"
        assert {status for (status,) in db.session.execute(select(Delivery.status))} <= {"pending", "retrying"}
        assert _count(CapturedRequest) == 1
        assert _count(Submission, Submission.form_id == kept_form) == 3  # no retention on that form
        recent = _count(Submission, Submission.form_id == purged_form)
        assert recent == 1 + len(batches)  # dewi and every post made between batches
        assert _count(StoredFile) == 0
        with pytest.raises(KeyError):  # its bytes went with it
            storage().get(file_key)
        # the rollups are untouched: the same figures as before, matching the attempts counted then
        assert endpoint_health(webhook_id, now=utcnow() - timedelta(days=91)).windows == health_before.windows
        assert db.session.scalar(select(func.sum(delivery_rollups.c.attempts))) == attempts_before - 1
    metrics_after = client.get("/metrics").get_data(as_text=True)
    name = "formhook_attempt_duration_seconds_count"
    assert _metric(metrics_after, name) == _metric(metrics_before, name) == attempts_before - 1
    for kind, rows in (("attempts", 6), ("deliveries", 6), ("captures", 3), ("submissions", 3), ("files", 1)):
        assert _metric(metrics_after, f'formhook_retention_purged_total{{kind="{kind}"}}') == rows


@pytest.mark.app_config(RETENTION_ATTEMPTS_DAYS=0, RETENTION_DELIVERIES_DAYS=0, RETENTION_CAPTURES_DAYS=0)
def test_a_workspace_retention_overrides_the_setting(app, accounts, later):
    _, keeps_forever = accounts.user("forever@example.com")
    _, keeps_a_week = accounts.user("week@example.com")
    with app.app_context():
        db.session.get(Workspace, keeps_a_week).retention_captures_days = 7
        _capture(keeps_forever, 2)
        _capture(keeps_a_week, 2)
        db.session.commit()
    later(timedelta(days=8))
    totals = retention.purge(app)
    with app.app_context():
        remaining = db.session.scalars(select(CaptureBin.workspace_id).join(CapturedRequest)).all()
    assert totals == {"attempts": 0, "deliveries": 0, "captures": 2, "submissions": 0}
    assert remaining == [keeps_forever, keeps_forever]


RETENTION_POST = {"retention-retention_attempts_days": "30", "retention-retention_deliveries_days": "",
                  "retention-retention_captures_days": "7"}


@pytest.mark.app_config(RETENTION_DELIVERIES_DAYS=60)
def test_an_owner_sets_the_workspace_retention_and_sees_the_defaults(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    page = client.get("/settings/workspace").get_data(as_text=True)
    assert 'id="workspace-retention-form"' in page and "Left empty: 60 days (this server&#39;s default)." in page
    saved = client.post("/settings/workspace/retention", data=RETENTION_POST)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#retention")
    with app.app_context():
        workspace = db.session.get(Workspace, workspace_id)
        kept = (workspace.retention_attempts_days, workspace.retention_deliveries_days,
                workspace.retention_captures_days)
    assert kept == (30, None, 7)
    refused = client.post("/settings/workspace/retention", data={**RETENTION_POST,
                                                                 "retention-retention_captures_days": "0"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'class="field has-error"' in html
    assert "enter a whole number of days from 1 to 3650, or leave it empty" in html
    with app.app_context():
        assert db.session.get(Workspace, workspace_id).retention_captures_days == 7


def test_a_member_reads_the_retention_but_cannot_change_it(app, client, accounts):
    accounts.user()
    accounts.user("member@example.com", workspace="owner@example.com's workspace")
    accounts.login(client, "member@example.com")
    page = client.get("/settings/workspace").get_data(as_text=True)
    assert 'data-retention="retention_attempts_days">Left empty: 90 days' in page
    assert client.post("/settings/workspace/retention", data=RETENTION_POST).status_code == 403


def test_a_form_retention_through_the_api_and_the_builder(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    api = ApiClient(client, accounts.api_key(workspace_id), workspace_id)
    answer = api.patch(f"/forms/{form_id}", json={"submission_retention_days": 365})
    assert answer.status_code == 200 and answer.get_json()["submission_retention_days"] == 365
    refused = api.patch(f"/forms/{form_id}", json={"submission_retention_days": 0})
    assert refused.status_code == 422 and "submission_retention_days" in refused.get_json()["error"]["fields"]
    assert api.patch(f"/forms/{form_id}", json={"submission_retention_days": None}).status_code == 200
    accounts.login(client)
    saved = client.post(f"/forms/{form_id}", data={"name": "Leads", "language": "auto", "enabled": "y",
                                                   "submission_retention_days": "30"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Form, form_id).submission_retention_days == 30
    assert 'name="submission_retention_days"' in client.get(f"/forms/{form_id}").get_data(as_text=True)


def test_the_purge_runs_once_an_interval_across_workers(app, accounts, later):
    _, workspace_id = accounts.user()
    with app.app_context():
        _capture(workspace_id, 2)
        db.session.commit()
    later(timedelta(days=31))
    assert retention.purge_when_due(app) == {"attempts": 0, "deliveries": 0, "captures": 2, "submissions": 0}
    with app.app_context():
        _capture(workspace_id, 1)
        db.session.commit()
    later(timedelta(days=62))
    assert retention.purge_when_due(app) is None, "another worker's purge ran within RETENTION_INTERVAL"
    app.redis.delete(retention.RUN_KEY)  # the interval is over
    assert retention.purge_when_due(app)["captures"] == 1
