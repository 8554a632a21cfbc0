"""Endpoint health figures: percentiles, windows, hourly buckets, the failure streak."""

from datetime import UTC, datetime, timedelta

from app.core.extensions import db
from app.delivery import rollups
from app.models import Attempt, Delivery
from app.observability.chart import hourly_chart
from app.observability.health import endpoint_health, percentile
from tests.conftest import make_form, make_webhook

NOW = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50 and percentile(values, 0.95) == 95
    assert percentile([7], 0.95) == 7 and percentile([], 0.5) is None


def _delivery(workspace_id, webhook_id, status, created_at, attempts):
    delivery = Delivery(workspace_id=workspace_id, webhook_id=webhook_id, status=status, created_at=created_at,
                        attempt_count=len(attempts))
    rows = [{"at": at, "duration_ms": duration, "request": {}, "error": None if status_code else "connection refused",
             "response": {"status": status_code, "headers": {}, "body": ""} if status_code else None}
            for at, status_code, duration in attempts]
    for row in rows:
        delivery.attempts.append(Attempt(**row))
    db.session.add(delivery)
    rollups.add([(webhook_id, workspace_id, row) for row in rows])  # as the worker's recording does


def test_health_over_24_hours_and_7_days(app, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "https://crm.example/hook")
    with app.app_context():
        three_days_ago = NOW - timedelta(days=3)
        _delivery(workspace_id, webhook_id, "succeeded", three_days_ago, [(three_days_ago, 200, 900)])
        an_hour_ago = NOW - timedelta(minutes=50)
        _delivery(workspace_id, webhook_id, "succeeded", an_hour_ago,
                  [(an_hour_ago, 500, 100), (an_hour_ago, 204, 300)])
        for minutes in (20, 10):
            at = NOW - timedelta(minutes=minutes)
            _delivery(workspace_id, webhook_id, "retrying", at, [(at, None, 3000)])
        db.session.commit()
        health = endpoint_health(webhook_id, now=NOW)

    day, week = health.windows
    assert (day.attempts, day.successes, day.success_rate) == (4, 1, 25.0)
    assert (day.p50_ms, day.p95_ms) == (300, 3000)
    assert (week.attempts, week.successes, week.success_rate) == (5, 2, 40.0)
    assert health.consecutive_failures == 2
    assert health.failing_since == NOW - timedelta(minutes=20)
    assert health.last_success_at == NOW - timedelta(minutes=50)
    assert len(health.hourly) == 24
    assert health.hourly[-1][1:] == (2, 0)  # 12:00-12:59: the two retrying ones
    assert health.hourly[-2][1:] == (2, 1)  # 11:00-11:59: 11:40, a 500 then a 204
    svg = str(hourly_chart(health.hourly))
    assert svg.count('class="bar"') == 24 and 'data-total="2" data-succeeded="0"' in svg


def test_health_of_a_new_webhook_shows_dashes(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "https://crm.example/hook")
    accounts.login(client)
    page = client.get(f"/webhooks/{webhook_id}/health").get_data(as_text=True)
    assert 'data-metric="success-rate">—' in page and "never" in page and page.count('class="bar"') == 24
