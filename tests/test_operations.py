"""The operator surface: /healthz, /metrics, JSON logs with request ids, RQ's dashboard for operators."""

import io
import json
import logging
import threading

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.core.extensions import db
from app.models import Attempt, Delivery
from app.observability.heartbeat import KEY_PREFIX, beat, live_workers, start_heartbeat
from app.observability.logs import JsonLogFormatter
from app.runtime.embedded_redis import start_server
from tests.conftest import _test_config, drain, make_form, make_webhook
from tests.receiver import Reply


def _families(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {family.name: family for family in text_string_to_metric_families(response.get_data(as_text=True))}


def _value(family, name, **labels):
    return next(
        s.value for s in family.samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[3600])
def test_metrics_report_submissions_deliveries_latency_queue_and_oldest_due(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    make_webhook(app, form_id, receiver.url)
    receiver.reply(Reply(status=200), Reply(status=500))
    for name in ("A", "B"):
        assert client.post(f"/f/{public_id}", json={"name": name, "email": "a@example.com"}).status_code == 201
    from tests.test_delivery_log import drain_once

    drain_once(app)
    with app.app_context():
        retrying = db.session.scalars(db.select(Delivery).where(Delivery.status == "retrying")).one()
        retrying.next_attempt_at = retrying.created_at  # overdue since it was made
        db.session.commit()
        durations = sorted(a.duration_ms for a in db.session.scalars(db.select(Attempt)))

    families = _families(client)
    assert _value(families["formhook_submissions"], "formhook_submissions_total") == 2
    deliveries = families["formhook_deliveries"]
    assert _value(deliveries, "formhook_deliveries", status="succeeded") == 1
    assert _value(deliveries, "formhook_deliveries", status="retrying") == 1
    assert _value(deliveries, "formhook_deliveries", status="failed") == 0
    latency = families["formhook_attempt_duration_seconds"]
    assert _value(latency, "formhook_attempt_duration_seconds_count") == 2
    assert _value(latency, "formhook_attempt_duration_seconds_bucket", le="+Inf") == 2
    assert _value(latency, "formhook_attempt_duration_seconds_sum") == pytest.approx(sum(durations) / 1000)
    assert _value(families["formhook_oldest_due_delivery_age_seconds"], "formhook_oldest_due_delivery_age_seconds") > 0
    depth = families["formhook_queue_depth"]
    assert _value(depth, "formhook_queue_depth", state="scheduled") == 1
    assert _value(depth, "formhook_queue_depth", state="queued") == 0


@pytest.mark.app_config(METRICS_TOKEN="s3cret")
def test_metrics_token_guards_the_endpoint_when_set(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_healthz_needs_a_worker_heartbeat(app, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    assert body["checks"]["worker"]["ok"] is False

    stop = threading.Event()
    thread = start_heartbeat(app, stop)
    try:
        _wait_until(lambda: live_workers(app.redis))
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json()["checks"]["worker"]["workers"] == 1
    finally:
        stop.set()
        thread.join(5)
    assert live_workers(app.redis) == [], "a stopped worker takes its heartbeat with it"


def _wait_until(condition, attempts=200):
    import time

    for _ in range(attempts):
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("condition never became true")


def _own_valkey(data_dir, tries=5):
    """Start a Valkey and make sure the server answering is ours (a busy machine can race for the port)."""
    for attempt in range(tries):
        process, url = start_server(data_dir / str(attempt))
        info = redis.Redis.from_url(url).info("server")
        if process.poll() is None and info.get("process_id") == process.pid:
            return process, url
        process.kill()
        process.wait(10)
    raise AssertionError("could not start a Valkey server of our own")


def test_healthz_turns_503_when_redis_stops(database_url, schema, tmp_path):
    process, url = _own_valkey(tmp_path / "throwaway-valkey")
    try:
        app = create_app(_test_config(database_url, url, tmp_path))
        beat(app.redis, "test-worker")
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        process.terminate()
        process.wait(10)
        response = client.get("/healthz")
        assert response.status_code == 503
        checks = response.get_json()["checks"]
        assert checks["redis"]["ok"] is False and checks["database"]["ok"] is True
        assert checks["worker"]["ok"] is False
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(10)
        with app.app_context():
            db.engine.dispose()


def test_request_id_is_kept_or_made_and_echoed(client):
    assert client.get("/healthz", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"}).headers["X-Request-Id"]
    assert len(made) == 32 and made != "bad id with spaces"


def test_logs_are_one_json_object_per_line_with_request_and_delivery_ids(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("formhook.test")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        with app.test_request_context("/forms", headers={"X-Request-Id": "req-42"}):
            app.preprocess_request()
            logger.warning("saving %s", "form")
        logger.info("sent", extra={"delivery_id": "msg_123"})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["message"] == "saving form" and lines[0]["request_id"] == "req-42" and lines[0]["path"] == "/forms"
    assert lines[0]["level"] == "warning" and "ts" in lines[0]
    assert lines[1]["delivery_id"] == "msg_123" and "request_id" not in lines[1]
    assert "ValueError: boom" in lines[2]["exception"]


def test_worker_logs_carry_the_delivery_id(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    make_webhook(app, form_id, receiver.url)
    client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("app.delivery.sender")
    previous = logger.level, logger.disabled
    logger.addHandler(handler)
    # Alembic's fileConfig (the migration test) disables existing loggers for the rest of the run
    logger.setLevel(logging.INFO)
    logger.disabled = False
    try:
        drain(app)
    finally:
        logger.removeHandler(handler)
        logger.level, logger.disabled = previous
    with app.app_context():
        delivery_id = db.session.scalars(db.select(Delivery.id)).one()
    (line,) = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["delivery_id"] == delivery_id  # a field of its own, not only in the message


@pytest.mark.app_config(OPERATOR_EMAILS=["ops@example.com"])
def test_rq_dashboard_is_for_operators_only(app, client, accounts):
    assert client.get("/ops/rq/").status_code == 404
    accounts.user("owner@example.com")
    accounts.login(client, "owner@example.com")
    assert client.get("/ops/rq/").status_code == 404
    assert client.get("/ops/rq/0/data/queues.json").status_code == 404

    operator = app.test_client()
    accounts.user("ops@example.com")
    accounts.login(operator, "ops@example.com")
    page = operator.get("/ops/rq/")
    assert page.status_code == 200 and "RQ" in page.get_data(as_text=True)
    queues = operator.get("/ops/rq/0/data/queues.json").get_json()
    assert "deliveries" in [q["name"] for q in queues["queues"]] or queues["queues"] == []


def test_heartbeat_keys_expire(app):
    beat(app.redis, "w1")
    assert 0 < app.redis.ttl(KEY_PREFIX + "w1") <= 35


@pytest.mark.app_config(BASE_URL="https://forms.example.com", METRICS_TOKEN=None)
def test_metrics_need_a_token_when_the_site_is_not_local(client):
    refused = client.get("/metrics")
    assert refused.status_code == 403 and b"formhook_" not in refused.data
    assert "METRICS_TOKEN" in refused.get_data(as_text=True)


@pytest.mark.app_config(BASE_URL="https://forms.example.com", METRICS_TOKEN="s3cret")
def test_metrics_on_a_public_site_answer_with_the_token(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).status_code == 200


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:5000", "http://localhost:8000", "http://[::1]:5000"])
def test_metrics_on_this_machine_need_no_token(app, base_url):
    app.config.update(BASE_URL=base_url, METRICS_TOKEN=None)
    assert app.test_client().get("/metrics").status_code == 200
