"""Per-key rate limit: 429 with Retry-After, RateLimit-* headers on every answer."""

import pytest

from tests.api_support import api_client, assert_error


@pytest.mark.app_config(API_RATE_LIMIT="3/minute")
def test_each_key_has_its_own_limit(app, accounts):
    api = api_client(app, accounts, "owner@example.com")
    other = api_client(app, accounts, "other@example.com")
    answers = [api.get("/forms") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert [answer.headers["RateLimit-Remaining"] for answer in answers] == ["2", "1", "0"]
    assert answers[0].headers["RateLimit-Limit"] == "3"
    assert 0 < int(answers[0].headers["RateLimit-Reset"]) <= 60

    limited = api.get("/forms")
    assert_error(limited, 429)
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["RateLimit-Remaining"] == "0"
    assert_error(api.post("/forms", json={"name": "x", "fields": []}), 429)

    assert other.get("/forms").status_code == 200


@pytest.mark.app_config(API_RATE_LIMIT="2/minute")
def test_the_document_is_not_limited(client):
    for _ in range(4):
        assert client.get("/api/v1/openapi.json").status_code == 200


def test_default_limit_is_600_per_minute(app, accounts):
    api = api_client(app, accounts, "owner@example.com")
    assert app.config["API_RATE_LIMIT"] == "600/minute"
    assert api.get("/forms").headers["RateLimit-Limit"] == "600"
