"""TRUSTED_PROXIES: behind a balancer, rate limits and logs see each real client; else X-Forwarded-For is ignored."""

import io
import json
import logging

import pytest
from flask import request

from app.core.proxies import parse_trusted_proxies
from app.observability.logs import JsonLogFormatter
from tests.conftest import make_form

ANSWERS = {"name": "Ana", "email": "ana@example.com"}
BALANCER = "10.0.0.1"


def post(client, public_id, peer=BALANCER, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = client.post(f"/f/{public_id}", json=ANSWERS, headers=headers, environ_base={"REMOTE_ADDR": peer})
    return response.status_code


@pytest.fixture
def public_id(app, accounts):
    _, workspace_id = accounts.user()
    return make_form(app, workspace_id)[1]


@pytest.mark.app_config(TRUSTED_PROXIES=1, PUBLIC_RATE_LIMIT="2/minute")
def test_two_clients_behind_one_proxy_get_separate_rate_limit_buckets(client, public_id):
    assert [post(client, public_id, forwarded="203.0.113.1") for _ in range(3)] == [201, 201, 429]
    assert [post(client, public_id, forwarded="203.0.113.2") for _ in range(3)] == [201, 201, 429]
    # a client cannot pick its own bucket: the balancer appends the address it saw, and that one counts
    assert post(client, public_id, forwarded="198.51.100.7, 203.0.113.1") == 429


@pytest.mark.app_config(TRUSTED_PROXIES=0, PUBLIC_RATE_LIMIT="2/minute")
def test_with_no_trusted_proxy_x_forwarded_for_is_ignored(client, public_id):
    assert post(client, public_id, forwarded="203.0.113.1") == 201
    assert post(client, public_id, forwarded="203.0.113.2") == 201
    assert post(client, public_id, forwarded="203.0.113.3") == 429  # all one bucket: the peer's
    assert post(client, public_id, peer="10.0.0.2", forwarded="203.0.113.3") == 201


@pytest.mark.app_config(TRUSTED_PROXIES="10.0.0.0/8, fd00::/8", PUBLIC_RATE_LIMIT="1/minute")
def test_trusted_networks_walk_back_through_every_proxy_of_theirs(client, public_id):
    assert post(client, public_id, forwarded="203.0.113.1, 10.0.0.9") == 201  # two of our proxies
    assert post(client, public_id, peer="10.0.0.7", forwarded="203.0.113.1") == 429  # the same client
    assert post(client, public_id, forwarded="203.0.113.2") == 201
    # a peer outside the networks is the client itself, whatever it forwards
    assert post(client, public_id, peer="198.51.100.9", forwarded="203.0.113.3") == 201
    assert post(client, public_id, peer="198.51.100.9", forwarded="203.0.113.4") == 429


@pytest.mark.app_config(TRUSTED_PROXIES=1)
def test_logs_carry_the_real_client_address(app, client):
    @app.route("/_log-probe")
    def log_probe():
        logging.getLogger("formhook.test.proxies").warning("probe")
        return {"scheme": request.scheme, "host": request.host}

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLogFormatter())
    logger = logging.getLogger("formhook.test.proxies")
    logger.addHandler(handler)
    try:
        answer = client.get("/_log-probe", environ_base={"REMOTE_ADDR": BALANCER}, headers={
            "X-Forwarded-For": "203.0.113.8", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "forms.example.com",
        })
    finally:
        logger.removeHandler(handler)
    assert answer.get_json() == {"scheme": "https", "host": "forms.example.com"}
    assert json.loads(stream.getvalue().splitlines()[0])["client"] == "203.0.113.8"


def test_the_setting_takes_a_count_or_cidrs_and_says_what_is_wrong():
    assert parse_trusted_proxies("0") == 0 and parse_trusted_proxies("") == 0 and parse_trusted_proxies("2") == 2
    networks = parse_trusted_proxies("10.0.0.0/8, 192.0.2.7")
    assert [str(network) for network in networks] == ["10.0.0.0/8", "192.0.2.7/32"]
    with pytest.raises(ValueError, match="TRUSTED_PROXIES must be a number of proxies"):
        parse_trusted_proxies("the balancer")
