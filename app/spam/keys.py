"""Keys for what the spam checks sign, derived from the app's secret unless set on their own."""

import hashlib
import hmac

from flask import current_app


def derived_key(purpose):
    """A key for one purpose: a leaked challenge key says nothing about the session key."""
    configured = current_app.config.get("ALTCHA_HMAC_KEY") if purpose == "altcha" else None
    if configured:
        return configured
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"formhook-spam-{purpose}".encode(), hashlib.sha256).hexdigest()
