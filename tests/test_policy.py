"""Retry decisions: schedule with jitter, Retry-After (capped), 410, exhaustion."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from app.delivery.policy import (
    decide,
    describe_status,
    jittered,
    next_time,
    parse_retry_after,
    streak_disable_reason,
)
from app.delivery.transport import Outcome

SCHEDULE = [5, 300, 1800]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class FixedRng:
    """A stand-in for random that always draws one end of the range."""

    def __init__(self, pick):
        self.pick = pick

    def uniform(self, low, high):
        return low if self.pick == "low" else high


@pytest.mark.parametrize(("pick", "expected"), [("low", 270.0), ("high", 330.0)])
def test_jitter_is_ten_percent_either_way(pick, expected):
    assert jittered(300, FixedRng(pick)) == pytest.approx(expected)


def test_jitter_stays_within_ten_percent():
    delays = [jittered(1000) for _ in range(500)]
    assert min(delays) >= 900 and max(delays) <= 1100
    assert len({round(delay) for delay in delays}) > 50  # it does spread


@pytest.mark.parametrize("status", [500, 502, 404, 400, 302, 301, 401])
def test_failures_follow_the_schedule_step_of_the_attempt(status):
    decision = decide(Outcome(status=status), 2, SCHEDULE, FixedRng("high"))
    assert decision.status == "retrying" and decision.retry_in == pytest.approx(330)


@pytest.mark.parametrize("error_class", ["timeout", "connection_refused", "dns", "tls", "connection"])
def test_network_errors_retry(error_class):
    decision = decide(Outcome(error="x", error_class=error_class), 1, SCHEDULE, FixedRng("low"))
    assert decision.status == "retrying" and decision.retry_in == pytest.approx(4.5)


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_any_2xx_is_success(status):
    assert decide(Outcome(status=status), 1, SCHEDULE).status == "succeeded"


def test_after_the_last_step_the_delivery_fails():
    assert decide(Outcome(status=500), 3, SCHEDULE).status == "retrying"
    assert decide(Outcome(status=500), 4, SCHEDULE).status == "failed"


def test_410_fails_and_disables_at_once():
    decision = decide(Outcome(status=410), 1, SCHEDULE)
    assert decision.status == "failed" and "410" in decision.disable_reason


def test_a_url_that_can_never_work_fails_at_once():
    assert decide(Outcome(error="bad scheme", error_class="invalid_url"), 1, SCHEDULE).status == "failed"
    assert decide(Outcome(error="boom", error_class="template"), 1, SCHEDULE).status == "failed"


def test_a_blocked_address_fails_at_once_and_says_why_it_is_not_retried():
    outcome = Outcome(error="blocked: hooks.example resolves to 10.0.0.7 is a private address", error_class="blocked")
    decision = decide(outcome, 1, SCHEDULE)
    assert decision.status == "failed" and decision.retry_in is None and decision.disable_reason is None
    assert describe_status(outcome) == (
        "blocked: hooks.example resolves to 10.0.0.7 is a private address (not retried: this address may not "
        "be called; change the webhook URL or WEBHOOK_ALLOWED_NETWORKS)"
    )


def test_descriptions_hold_no_credentials():
    redirect = Outcome(status=302, headers={"location": "https://sso.example/cb?access_token=tok123secret"})
    assert "tok123secret" not in describe_status(redirect) and "access_token=••••••" in describe_status(redirect)
    invalid = Outcome(error="invalid URL: https://api.telegram.org/bot123:ABCdef_gh/x", error_class="invalid_url")
    assert describe_status(invalid) == "invalid URL: https://api.telegram.org/bot••••••/x"


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_are_honoured(status):
    outcome = Outcome(status=status, headers={"retry-after": "42"})
    assert decide(outcome, 1, SCHEDULE, FixedRng("high")).retry_in == 42


def test_retry_after_is_capped_by_the_longest_step():
    outcome = Outcome(status=429, headers={"retry-after": "999999"})
    assert decide(outcome, 1, SCHEDULE).retry_in == 1800


def test_retry_after_http_date():
    when = format_datetime(NOW + timedelta(seconds=120), usegmt=True)
    assert parse_retry_after(when, NOW) == pytest.approx(120)
    outcome = Outcome(status=503, headers={"retry-after": when})
    assert decide(outcome, 1, SCHEDULE, now=NOW).retry_in == pytest.approx(120)


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5e3"])
def test_unreadable_retry_after_falls_back_to_the_schedule(value):
    assert parse_retry_after(value, NOW) is None
    outcome = Outcome(status=429, headers={"retry-after": value} if value is not None else {})
    assert decide(outcome, 1, SCHEDULE, FixedRng("low")).retry_in == pytest.approx(4.5)


def test_retry_after_in_the_past_means_now():
    assert parse_retry_after(format_datetime(NOW - timedelta(hours=1), usegmt=True), NOW) == 0


def test_retry_after_on_other_statuses_is_ignored():
    outcome = Outcome(status=500, headers={"retry-after": "1"})
    assert decide(outcome, 1, SCHEDULE, FixedRng("low")).retry_in == pytest.approx(4.5)


def test_next_time_adds_the_delay():
    decision = decide(Outcome(status=500), 1, SCHEDULE, FixedRng("high"))
    assert next_time(decision, NOW) == NOW + timedelta(seconds=5.5)


def test_describe_redirect_names_the_target_and_says_not_followed():
    outcome = Outcome(status=302, headers={"location": "http://169.254.169.254/"})
    assert describe_status(outcome) == "HTTP 302 redirect (not followed) to http://169.254.169.254/"
    assert describe_status(Outcome(status=500)) == "HTTP 500"
    assert describe_status(Outcome(error="connection refused")) == "connection refused"


def test_a_streak_disables_only_once_it_has_lasted_the_whole_window():
    assert streak_disable_reason(None, 0, 3600, NOW) is None
    assert streak_disable_reason(NOW - timedelta(minutes=59), 4, 3600, NOW) is None
    reason = streak_disable_reason(NOW - timedelta(hours=1), 7, 3600, NOW)
    assert reason == "failing continuously since 2026-03-01 11:00 UTC (7 failed attempts)"
