"""Standard Webhooks signatures (https://www.standardwebhooks.com)."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook as SignatureSigner


def _sign_bytes(secret, msg_id, timestamp, body):
    """The same v1 signature over a body that is not text (a multipart body carrying files)."""
    key = SignatureSigner(secret)._whsecret
    digest = hmac.new(key, f"{msg_id}.{int(timestamp)}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets, msg_id, timestamp, body):
    """Return the webhook-signature value: one 'v1,…' per active secret, space-separated."""
    when = datetime.fromtimestamp(timestamp, UTC)
    try:
        text = body.decode() if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        return " ".join(_sign_bytes(secret, msg_id, timestamp, body) for secret in secrets)
    return " ".join(SignatureSigner(secret).sign(msg_id, when, text) for secret in secrets)


def signed_headers(secrets, msg_id, timestamp, body):
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
    }
