"""Hourly delivery rollups: written with the attempts, read by /metrics and the health page, filled on upgrade."""

from datetime import UTC, datetime, timedelta

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import event, insert, select

from app.core.config import REPO_ROOT
from app.core.extensions import db
from app.delivery import rollups
from app.models import Attempt, Delivery, Form, Webhook, Workspace, delivery_rollups
from app.observability.health import endpoint_health
from tests.conftest import drain, make_form, make_webhook
from tests.receiver import Reply
from tests.test_migrations import empty_apps

HOUR = datetime(2026, 11, 28, 9, tzinfo=UTC)
ROLLUPS_REVISION = "f3a8c1d5e7b2"


def _revision_before_rollups():
    config = Config()
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_revision(ROLLUPS_REVISION).down_revision


def _stored_rollups():
    rows = db.session.execute(select(delivery_rollups).order_by("webhook_id", "hour")).mappings().all()
    return [dict(row) for row in rows]


def _rollups_of_attempts():
    """The rollups computed afresh from every stored attempt."""
    rows = db.session.execute(
        select(Delivery.webhook_id, Delivery.workspace_id, Attempt.at, Attempt.duration_ms, Attempt.response)
        .join(Delivery, Attempt.delivery_id == Delivery.id)
    ).all()
    return rollups.aggregate([
        (webhook_id, workspace_id, {"at": at, "duration_ms": duration, "response": response})
        for webhook_id, workspace_id, at, duration, response in rows
    ])


def _metric(text, name):
    return float(next(line for line in text.splitlines() if line.startswith(name + " ")).split()[-1])


def test_recorded_attempts_land_in_the_rollups_and_the_figures(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url)
    receiver.replies = [Reply(status=500), Reply(status=503)]  # two failures, then 200s
    for name in ("ana", "budi", "citra"):
        assert client.post(f"/f/{public_id}", json={"name": name, "email": "a@example.com"}).status_code == 201
    drain(app)
    with app.app_context():
        stored, expected = _stored_rollups(), _rollups_of_attempts()
        health = endpoint_health(webhook_id)
    assert stored == expected and sum(row["attempts"] for row in stored) == 5
    assert (health.windows[0].attempts, health.windows[0].successes) == (5, 3)
    assert sum(total for _, total, _ in health.hourly) == 5
    page = client.get("/metrics").get_data(as_text=True)
    assert _metric(page, "formhook_attempt_duration_seconds_count") == 5


def test_a_batch_is_one_upsert_however_many_attempts(app, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    first, second = make_webhook(app, form_id, "https://a.example/"), make_webhook(app, form_id, "https://b.example/")
    outcomes = [
        (webhook_id, workspace_id, {"at": HOUR + timedelta(minutes=7 * index), "duration_ms": 40 * index,
                                    "response": {"status": 200 if index % 3 else 500}})
        for index in range(60) for webhook_id in (first, second)
    ]
    with app.app_context():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731 - the statement text
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rollups.add(outcomes[:60])
            rollups.add(outcomes[60:])  # the same hours again: added to the rows already there
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        db.session.commit()
        stored = _stored_rollups()
    assert len(statements) == 2 and all("delivery_rollups" in text for text in statements)
    assert len(stored) == 2 * 7 and sum(row["attempts"] for row in stored) == 120
    assert sum(row["successes"] for row in stored) == 2 * sum(1 for index in range(60) if index % 3)
    assert stored == rollups.aggregate(outcomes)


def _seed_attempts():
    """Rows as the release before the rollups stored them (core inserts: its tables lack the new columns)."""
    workspace_id, form_id, webhook_id = "ws_old", "frm_old", "wh_old"
    db.session.execute(insert(Workspace.__table__).values(id=workspace_id, name="Old"))
    db.session.execute(insert(Form.__table__).values(id=form_id, workspace_id=workspace_id, name="Old form",
                                                     public_id="oldform"))
    db.session.execute(insert(Webhook.__table__).values(id=webhook_id, workspace_id=workspace_id, form_id=form_id,
                                                        url="https://crm.example/hook", name="crm"))
    for index in range(30):
        delivery_id = f"msg_old{index}"
        db.session.execute(insert(Delivery.__table__).values(id=delivery_id, workspace_id=workspace_id,
                                                             webhook_id=webhook_id, status="succeeded"))
        db.session.execute(insert(Attempt.__table__).values(
            id=f"att_old{index}", delivery_id=delivery_id, at=HOUR + timedelta(minutes=13 * index), request={},
            response={"status": 200 if index % 4 else 502, "headers": {}, "body": ""} if index % 5 else None,
            duration_ms=index * 97,
        ))
    db.session.commit()


def test_the_upgrade_fills_the_rollups_from_the_stored_attempts(tmp_path, redis_url):
    for app in empty_apps(tmp_path, redis_url):
        with app.app_context():
            upgrade(directory=str(REPO_ROOT / "migrations"), revision=_revision_before_rollups())
            _seed_attempts()
            upgrade(directory=str(REPO_ROOT / "migrations"))
            stored, expected = _stored_rollups(), _rollups_of_attempts()
            db.session.remove()
            db.engine.dispose()
        assert len(stored) == 7 and stored == expected
