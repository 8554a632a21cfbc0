"""Third-party captchas verified server-side, against a stand-in of each provider's verify endpoint on 127.0.0.1."""

import json
import socket
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Form, Submission
from app.spam import captchas, stamps
from tests.conftest import make_form
from tests.receiver import Reply
from tests.spam_support import stamp_shown_ago

pytestmark = pytest.mark.app_config(SPAM_PROTECTION=True)
OK = Reply(200, {"Content-Type": "application/json"}, json.dumps({"success": True}).encode())
REFUSED = Reply(200, {"Content-Type": "application/json"},
                json.dumps({"success": False, "error-codes": ["invalid-input-response"]}).encode())


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/siteverify"


@pytest.mark.parametrize("name", sorted(captchas.PROVIDERS))
def test_each_provider_is_asked_with_the_secret_the_token_and_the_address(app, receiver, name):
    provider = captchas.PROVIDERS[name]
    app.config[provider.verify_setting] = receiver.url + "/siteverify"
    receiver.reply(OK, REFUSED, Reply(200, {}, b"<html>not json</html>"))
    with app.app_context():
        assert captchas.verify(provider, "s3cret", "token-1", "198.51.100.7") is None
        refused = captchas.verify(provider, "s3cret", "token-2", None)
        assert refused == {"code": "captcha_failed", "detail": provider.label}
        assert captchas.verify(provider, "s3cret", "token-3", None)["code"] == "captcha_unverified"
    first = receiver.requests[0]
    assert first.method == "POST" and first.path == "/siteverify"
    assert parse_qs(first.text) == {"secret": ["s3cret"], "response": ["token-1"], "remoteip": ["198.51.100.7"]}


def test_no_token_and_an_oversized_one_are_refused_without_asking(app, receiver):
    provider = captchas.PROVIDERS["turnstile"]
    app.config[provider.verify_setting] = receiver.url + "/siteverify"
    with app.app_context():
        assert captchas.verify(provider, "s3cret", "", None)["code"] == "captcha_missing"
        assert captchas.verify(provider, "s3cret", "x" * (captchas.MAX_TOKEN + 1), None)["code"] == "captcha_failed"
    assert receiver.requests == []


def test_an_unreachable_provider_holds_the_post_for_review(app):
    provider = captchas.PROVIDERS["hcaptcha"]
    app.config[provider.verify_setting] = closed_port_url()
    with app.app_context():
        assert captchas.verify(provider, "s3cret", "token", None) == {
            "code": "captcha_unverified", "detail": "hCaptcha"}


def test_a_form_with_turnstile_accepts_a_verified_post_and_holds_a_refused_one(app, client, accounts, receiver):
    app.config["TURNSTILE_VERIFY_URL"] = receiver.url + "/turnstile/v0/siteverify"
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, spam_settings={
        "challenge": False, "captcha": "turnstile", "captcha_site_key": "0x4AAA-site"})
    with app.app_context():
        db.session.get(Form, form_id).captcha_secret = "0x4AAA-secret"
        db.session.commit()
    page = client.get(f"/f/{public_id}")
    html = page.get_data(as_text=True)
    assert 'class="cf-turnstile third-party-captcha" data-sitekey="0x4AAA-site"' in html
    assert "https://challenges.cloudflare.com/turnstile/v0/api.js" in html
    assert "frame-src 'self' https://challenges.cloudflare.com" in page.headers["Content-Security-Policy"]
    receiver.reply(OK, REFUSED)
    shown = stamp_shown_ago(app, public_id, 60)
    for name, token in (("Ana", "good-token"), ("Bot", "bad-token")):
        client.post(f"/f/{public_id}", data={
            "name": name, "email": f"{name.lower()}@example.com", "cf-turnstile-response": token,
            stamps.FIELD_NAME: shown})
    # a JSON client is not asked for it (it cannot show a captcha)
    client.post(f"/f/{public_id}", json={"name": "Api", "email": "api@example.com"})
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.created_at)).all()
        assert [(row.answers["name"], row.status, row.spam_reasons) for row in rows] == [
            ("Ana", "accepted", None), ("Bot", "spam", [{"code": "captcha_failed", "detail": "Cloudflare Turnstile"}]),
            ("Api", "accepted", None),
        ]
    assert [parse_qs(r.text)["secret"] for r in receiver.requests] == [["0x4AAA-secret"], ["0x4AAA-secret"]]
