"""Standard Webhooks signatures (https://www.standardwebhooks.com)."""

from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook as SignatureSigner


def signature_header(secrets, msg_id, timestamp, body):
    """Return the webhook-signature value: one 'v1,…' per active secret, space-separated."""
    when = datetime.fromtimestamp(timestamp, UTC)
    text = body.decode() if isinstance(body, bytes) else body
    return " ".join(SignatureSigner(secret).sign(msg_id, when, text) for secret in secrets)


def signed_headers(secrets, msg_id, timestamp, body):
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp)),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
    }
