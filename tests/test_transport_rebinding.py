"""Checked when saved and again at every send: a DNS answer that turns private is refused at send."""

import pytest

from app.delivery import transport
from app.services.webhooks import validate_webhook
from tests.conftest import drain
from tests.delivery_support import form_with_webhook, only_delivery, submit

FIELD_KEYS = ["name", "email", "campaign_name"]


@pytest.mark.parametrize(("url", "reason"), [
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://10.0.0.1/hook", "private"),
    ("http://100.64.1.1/hook", "carrier-grade NAT"),
    ("http://[::ffff:127.0.0.1]/hook", "IPv4-mapped"),
    ("http://[fd00::1]/hook", "unique-local"),
    ("http://127.0.0.1:8080/hook?x={{ email }}", "loopback"),
    ("ftp://hooks.example/in", "must start with http:// or https://"),
    ("https://{{ email }}/in", "the host cannot be a template"),
])
def test_saving_refuses_urls_that_may_not_be_called(url, reason):
    _, errors, _ = validate_webhook({"url": url}, FIELD_KEYS, allowed_networks=[])
    assert reason in errors["url"]


def test_saving_refuses_a_name_that_resolves_inside(monkeypatch):
    monkeypatch.setattr(transport, "resolve", lambda host, port: ["192.168.1.20"])
    _, errors, _ = validate_webhook({"url": "https://intranet.example/hook"}, FIELD_KEYS, allowed_networks=[])
    assert errors["url"] == "blocked: intranet.example resolves to 192.168.1.20 is a private address"


def test_allowed_networks_let_a_local_receiver_be_saved():
    clean, errors, _ = validate_webhook(
        {"url": "http://127.0.0.1:8080/hook?c={{ campaign_name }}"}, FIELD_KEYS, allowed_networks=["127.0.0.0/8"],
    )
    assert errors == {} and clean["url"] == "http://127.0.0.1:8080/hook?c={{ campaign_name }}"


@pytest.mark.parametrize("inside", ["127.0.0.1", "10.0.0.7"])
@pytest.mark.app_config(WEBHOOK_ALLOWED_NETWORKS=[])
def test_dns_rebinding_is_refused_at_send(app, client, accounts, receiver, monkeypatch, inside):
    answers = {"hooks.example.test": ["93.184.216.34"]}
    monkeypatch.setattr(transport, "resolve", lambda host, port: answers[host])
    port = receiver.server.server_address[1]
    url = f"http://hooks.example.test:{port}/hook"
    _, errors, _ = validate_webhook({"url": url}, FIELD_KEYS, app.config["WEBHOOK_ALLOWED_NETWORKS"])
    assert errors == {}  # public when saved

    _, public_id, _ = form_with_webhook(app, accounts, url)
    answers["hooks.example.test"] = [inside]  # the name now points inside
    submit(client, public_id)
    drain(app)

    assert receiver.requests == []
    delivery = only_delivery(app)
    # refused at connect time: failed at once with the reason, the retry schedule not used
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 1
    assert delivery["next_attempt_at"] is None
    assert {attempt["error_class"] for attempt in delivery["attempts"]} == {"blocked"}
    assert delivery["last_error"].startswith(f"blocked: hooks.example.test resolves to {inside} is a")
    assert delivery["last_error"].endswith("(not retried: this address may not be called; change the webhook URL "
                                           "or WEBHOOK_ALLOWED_NETWORKS)")
    assert delivery["attempts"][0]["response"] is None
    assert delivery["attempts"][0]["request"]["url"] == url
