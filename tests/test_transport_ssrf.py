"""The SSRF rules: which addresses may be called, and the client that enforces them at connect time."""

import pytest

from app.delivery import transport
from app.delivery.transport import AddressRefused, address_problem, check_url, check_url_for_saving
from tests.delivery_support import send_once
from tests.receiver import Receiver


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("::1", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "link-local"),
    ("169.254.0.1", "link-local"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("::ffff:8.8.8.8", "IPv4-mapped"),
    ("64:ff9b::a00:1", "NAT64"),
    ("64:ff9b::808:808", "NAT64"),
    ("64:ff9b:1::1", "NAT64"),
    ("fc00::1", "unique-local"),
    ("fd12:3456::1", "unique-local"),
    ("2002:7f00:1::1", "tunnelled"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "tunnelled"),
    ("2001:db8::1", "private"),
    ("192.0.2.10", "private"),
    ("198.18.0.1", "private"),
    ("0.1.2.3", "private"),
])
def test_non_global_addresses_are_refused_with_their_class(address, kind):
    problem = address_problem(address)
    assert problem is not None and kind in problem


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450::1"])
def test_global_addresses_may_be_called(address):
    assert address_problem(address) is None


def test_allowed_networks_open_only_what_they_name():
    assert address_problem("127.0.0.1", ["127.0.0.0/8"]) is None
    assert address_problem("10.1.2.3", ["10.1.0.0/16"]) is None
    assert address_problem("10.2.0.1", ["10.1.0.0/16"]) is not None
    # the IPv4-mapped form of an allowed IPv4 address is another address, and stays refused
    assert address_problem("::ffff:127.0.0.1", ["127.0.0.0/8"]) is not None
    assert address_problem("::1", ["127.0.0.0/8"]) is not None


@pytest.mark.parametrize("url", [
    "ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)", "//example.com/x",
])
def test_only_http_and_https(url):
    with pytest.raises(AddressRefused) as refused:
        check_url(url)
    assert refused.value.error_class == "invalid_url"


def test_literal_addresses_are_checked_without_dns():
    with pytest.raises(AddressRefused, match="link-local"):
        check_url("http://169.254.169.254/latest/meta-data/")
    with pytest.raises(AddressRefused, match="loopback"):
        check_url("http://[::1]:8080/")
    with pytest.raises(AddressRefused, match="IPv4-mapped"):
        check_url("http://[::ffff:7f00:1]/")


def test_a_name_is_refused_if_any_of_its_addresses_is_not_global(monkeypatch):
    monkeypatch.setattr(transport, "resolve", lambda host, port: ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(AddressRefused, match="hooks.example resolves to 10.0.0.5 is a private address"):
        check_url("https://hooks.example/in")


def test_saving_allows_a_name_that_does_not_resolve_yet_but_never_a_bad_one(monkeypatch):
    def no_answer(host, port):
        raise OSError("no such host")

    monkeypatch.setattr(transport, "resolve", no_answer)
    check_url_for_saving("https://not-yet.example/hook")
    monkeypatch.setattr(transport, "resolve", lambda host, port: ["192.168.0.10"])
    with pytest.raises(AddressRefused, match="private"):
        check_url_for_saving("https://router.example/hook")


def test_sending_to_a_refused_address_never_connects(receiver):
    outcome = send_once("POST", f"{receiver.url}/hook", timeout=2, allowed_networks=())
    assert outcome.status is None and outcome.error_class == "blocked"
    assert "loopback" in outcome.error
    assert receiver.requests == []


def test_the_connection_goes_to_the_checked_address_and_keeps_the_name(receiver, monkeypatch):
    asked = []

    def fake_dns(host, port):
        asked.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(transport, "resolve", fake_dns)
    port = receiver.server.server_address[1]
    outcome = send_once("POST", f"http://hooks.example:{port}/in", {"X-A": "1"}, timeout=2,
                        allowed_networks=["127.0.0.0/8"])
    assert outcome.status == 200 and outcome.address == "127.0.0.1"
    assert asked == ["hooks.example"]
    (request,) = receiver.requests
    assert request.headers["host"] == f"hooks.example:{port}"


def test_proxies_from_the_environment_are_ignored(receiver, monkeypatch):
    proxy = Receiver().start()
    try:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        outcome = send_once("POST", f"{receiver.url}/direct", timeout=2, allowed_networks=["127.0.0.0/8"])
    finally:
        proxy.stop()
    assert outcome.status == 200
    assert [request.path for request in receiver.requests] == ["/direct"]
    assert proxy.requests == []
