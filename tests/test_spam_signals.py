"""Each cheap signal and the challenge on its own: what it flags, what it lets through, the reason it gives."""

import time

import altcha
import pytest

from app.models import Form
from app.spam import blocklist, challenge, signals, stamps
from app.spam.reasons import describe
from app.spam.settings import SpamSettings, spam_settings


def test_too_fast_needs_a_known_time_and_a_limit():
    now = time.time()
    assert signals.too_fast(now - 1.2, now, 3) == {"code": "too_fast", "detail": "1.2"}
    assert signals.too_fast(now - 3.5, now, 3) is None
    assert signals.too_fast(now - 1, now, 0) is None, "0 turns it off"
    assert signals.too_fast(None, now, 3) is None, "no stamp (a JSON client): no opinion"


def test_links_are_counted_in_every_text_answer_and_lists():
    answers = {"a": "https://x.example and www.y.example", "b": ["http://z.example"], "n": 5, "c": "[url=q]"}
    assert signals.too_many_links(answers, 3) == {"code": "too_many_links", "detail": "4"}
    assert signals.too_many_links(answers, 4) is None
    assert signals.too_many_links(answers, None) is None
    assert signals.too_many_links({"a": "no links here"}, 0) is None


def test_duplicates_are_the_same_answers_in_any_key_order_within_the_window(app):
    with app.app_context():
        assert signals.duplicate("frm_1", {"a": "1", "b": ["x"]}) is None
        assert signals.duplicate("frm_1", {"b": ["x"], "a": "1"}) == {"code": "duplicate", "detail": "10"}
        assert signals.duplicate("frm_2", {"a": "1", "b": ["x"]}) is None, "another form's answers are its own"
        key = signals.DUPLICATE_PREFIX + signals.answers_digest("frm_1", {"a": "1", "b": ["x"]})
        assert 0 < app.redis.ttl(key) <= app.config["DUPLICATE_WINDOW"]


@pytest.mark.app_config(DUPLICATE_WINDOW=0)
def test_a_zero_window_turns_duplicates_off(app):
    with app.app_context():
        assert signals.duplicate("frm_1", {"a": "1"}) is None
        assert signals.duplicate("frm_1", {"a": "1"}) is None


def test_block_lists_match_emails_domains_subdomains_and_networks():
    lists = blocklist.parse_blocklist(
        True, "Bad@Example.com", "spam.example\n@junk.test", "203.0.113.0/24\n2001:db8::1")
    assert blocklist.blocked(lists, ["bad@example.com"], "198.51.100.1") == {
        "code": "blocked_email", "detail": "bad@example.com"}
    assert blocklist.blocked(lists, ["a@mx.spam.example"], None)["code"] == "blocked_domain"
    assert blocklist.blocked(lists, ["a@notspam.example"], None) is None, "a suffix is not a subdomain"
    assert blocklist.blocked(lists, ["a@junk.test"], None)["code"] == "blocked_domain"
    assert blocklist.blocked(lists, [], "203.0.113.9") == {"code": "blocked_address", "detail": "203.0.113.9"}
    assert blocklist.blocked(lists, [], "2001:db8::1")["code"] == "blocked_address"
    assert blocklist.blocked(lists, ["ok@example.org"], "198.51.100.1") is None
    off = blocklist.Blocklist(False, ["bad@example.com"], [], [])
    assert blocklist.blocked(off, ["bad@example.com"], None) is None


@pytest.mark.parametrize(("emails", "domains", "addresses", "list_name"), [
    ("not-an-email", "", "", "emails"),
    ("", "nodot", "", "domains"),
    ("", "", "300.1.1.1", "addresses"),
    ("\n".join(f"u{i}@example.com" for i in range(blocklist.MAX_ENTRIES + 1)), "", "", "emails"),
    ("", "x" * 300 + ".example", "", "domains"),
])
def test_a_bad_block_list_entry_is_named(app, emails, domains, addresses, list_name):
    with app.test_request_context():
        with pytest.raises(blocklist.BlocklistError) as error:
            blocklist.parse_blocklist(True, emails, domains, addresses)
    assert error.value.list_name == list_name


def test_the_render_stamp_is_signed_and_bound_to_its_form(app):
    with app.app_context():
        stamp = stamps.new_stamp("pub1")
        assert abs(stamps.shown_at(stamp, "pub1") - time.time()) < 5
        assert stamps.shown_at(stamp, "pub2") is None
        assert stamps.shown_at(stamp[:-2] + "xx", "pub1") is None
        assert stamps.shown_at("", "pub1") is None and stamps.shown_at("x" * 500, "pub1") is None
        assert stamps.carried_stamp(stamp, "pub1") == stamp, "a re-rendered page keeps its first time"


def test_a_challenge_is_signed_with_the_server_key_and_spent_once(app):
    with app.app_context():
        issued = altcha.Challenge.from_dict(challenge.new_challenge("pub1"))
        payload = altcha.Payload(issued, altcha.solve_challenge(issued)).to_base64()
        assert challenge.verify(payload, "pub1").ok
        assert challenge.verify(payload, "pub1").reason == "challenge_replayed"
        # signed with another key: refused even though the work was done
        forged = altcha.create_challenge(
            algorithm=challenge.ALGORITHM, cost=10, counter=5, data={"form": "pub1"},
            expires_at=int(time.time() + 60), hmac_secret="not-the-server-key", hmac_key_secret="nor-this",
        )
        forged_payload = altcha.Payload(forged, altcha.solve_challenge(forged)).to_base64()
        assert challenge.verify(forged_payload, "pub1").reason == "challenge_invalid"
        assert challenge.verify(None, "pub1").reason == "challenge_missing"
        assert challenge.verify("x" * (challenge.MAX_PAYLOAD + 1), "pub1").reason == "challenge_invalid"
        assert challenge.verify("%%%not base64", "pub1").reason == "challenge_invalid"


@pytest.mark.app_config(ALTCHA_EXPIRES=-10)
def test_an_expired_challenge_says_so(app):
    with app.app_context():
        issued = altcha.Challenge.from_dict(challenge.new_challenge("pub1"))
        payload = altcha.Payload(issued, altcha.solve_challenge(issued)).to_base64()
        assert challenge.verify(payload, "pub1").reason == "challenge_expired"


def test_every_reason_reads_as_a_sentence_and_an_unknown_code_as_itself(app):
    with app.test_request_context():
        assert describe({"code": "too_fast", "detail": "1.2"}) == (
            "Sent 1.2 seconds after the form was shown: faster than a person types.")
        blocked = describe({"code": "blocked_domain", "detail": "spam.example"})
        assert blocked == "The email domain spam.example is on the workspace's block list."
        assert describe({"code": "from_the_future"}) == "from_the_future"


def test_settings_fill_in_defaults_and_ignore_unknown_keys():
    form = Form(spam_settings={"min_seconds": 0, "retired_check": True})
    assert spam_settings(form) == SpamSettings(min_seconds=0)
    assert spam_settings(Form()) == SpamSettings()
