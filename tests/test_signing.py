"""Signatures verified with the standardwebhooks library, not our own code."""

import time

import pytest
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from app.delivery.signing import signed_headers
from app.models.webhooks import new_secret


def test_signature_verifies_with_standardwebhooks():
    secret = new_secret()
    body = '{"type": "submission.created", "name": "Zoë"}'
    headers = signed_headers([secret], "msg_1", time.time(), body.encode())
    assert Verifier(secret).verify(body, headers) == {"type": "submission.created", "name": "Zoë"}


def test_rotation_signs_with_both_secrets():
    old, new = new_secret(), new_secret()
    body = '{"a": 1}'
    headers = signed_headers([new, old], "msg_2", time.time(), body.encode())
    assert len(headers["webhook-signature"].split(" ")) == 2
    Verifier(new).verify(body, headers)
    Verifier(old).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Verifier(new_secret()).verify(body, headers)


def test_tampered_body_fails():
    secret = new_secret()
    headers = signed_headers([secret], "msg_3", time.time(), b'{"a": 1}')
    with pytest.raises(WebhookVerificationError):
        Verifier(secret).verify('{"a": 2}', headers)
