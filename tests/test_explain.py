"""Every outcome of an attempt has one plain sentence: what it means, what to do, what we do next."""

from datetime import UTC, datetime

import pytest

from app.observability.explain import error_class_of, explain

RETRY_AT = datetime(2026, 12, 1, 22, 15, tzinfo=UTC)


@pytest.mark.parametrize(("status", "error", "error_class", "expected"), [
    (200, None, None, "Your server answered 200: delivered."),
    (500, "HTTP 500", None, "Your server answered 500: it had an error handling the request. Check its logs. "
                            "We will retry at 22:15 UTC."),
    (502, "HTTP 502", None, "Your server answered 502: it had an error handling the request."),
    (401, "HTTP 401", None, "Your server answered 401: it did not accept our credentials."),
    (403, "HTTP 403", None, "Your server answered 403: it did not accept our credentials."),
    (404, "HTTP 404", None, "Your server answered 404: nothing is at this address."),
    (410, "HTTP 410 Gone: the webhook was disabled", None, "asked us to stop, so the webhook was disabled"),
    (413, "HTTP 413", None, "the request body is too large for it"),
    (429, "HTTP 429", None, "Your server answered 429: it is receiving too many requests."),
    (422, "HTTP 422", None, "Your server answered 422: it rejected the request. Its answer below says why"),
    (301, "HTTP 301 redirect (not followed) to https://x.example/", None,
     "Your server answered 301, a redirect to https://x.example/: webhooks do not follow redirects."),
    (None, "timed out after 15 s", "timeout", "Your server did not answer within 15 s."),
    (None, "connection refused", "connection_refused", "Nothing is listening at this address (connection refused)."),
    (None, "DNS lookup for crm.invalid failed", "dns", "The host name could not be found (DNS)."),
    (None, "TLS certificate not trusted: self signed", "tls", "The secure connection failed (TLS: self signed)."),
    (None, "blocked: 10.0.0.7 is a private address", "blocked",
     "We did not call this address: 10.0.0.7 is a private address. Webhooks only reach the public internet"),
    (None, "template error: the rendered body is too large", "template",
     "The webhook's template could not be rendered for this submission (the rendered body is too large)."),
    (None, "invalid URL: the URL has no host", "invalid_url", "The webhook URL is not one we can call"),
    (None, "bad HTTP response: Bad status line", "protocol", "sent an answer that is not valid HTTP"),
    (None, "connection failed: reset by peer", "connection", "The connection to your server failed (reset by peer)."),
])
def test_each_outcome_has_its_sentence(app, status, error, error_class, expected):
    with app.test_request_context():
        text = explain(status, error, error_class, delivery_status="retrying", next_attempt_at=RETRY_AT).text
    assert expected in text
    assert "HTTP" not in text.replace("not valid HTTP", "")  # the sentence, never the engine's shorthand
    assert text.count("Your server answered") <= 1  # said once, not twice


def test_failures_say_what_happens_next_and_successes_are_green(app):
    with app.test_request_context():
        assert explain(200).tone == "ok"
        failed = explain(500, "HTTP 500", delivery_status="failed")
        assert failed.tone == "failed"
        assert failed.text.endswith("We have stopped retrying; use Resend once it is fixed.")
        gone = explain(410, "HTTP 410 Gone: the webhook was disabled", delivery_status="failed")
        assert "stopped retrying" not in gone.text


def test_a_delivery_row_keeps_only_the_text_and_its_class_is_recovered():
    assert error_class_of("timed out after 15 s") == "timeout"
    assert error_class_of("TLS error: handshake") == "tls"
    assert error_class_of("webhook disabled: too many failures") is None
