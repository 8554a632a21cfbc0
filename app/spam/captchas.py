"""Third-party captchas a form may add: what the page loads, and the server-side check of the answer."""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask import current_app

from app.spam.signals import reason

log = logging.getLogger(__name__)
MAX_TOKEN = 8192
MAX_ANSWER_BYTES = 65536


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    script_url: str
    widget_class: str
    response_field: str  # the field the provider's script adds to the form
    verify_setting: str  # the setting that holds the verify URL (tests point it at 127.0.0.1)
    csp_sources: tuple  # what its script and frame need in the page's policy


PROVIDERS = {
    provider.name: provider for provider in (
        Provider(
            "turnstile", "Cloudflare Turnstile", "https://challenges.cloudflare.com/turnstile/v0/api.js",
            "cf-turnstile", "cf-turnstile-response", "TURNSTILE_VERIFY_URL", ("https://challenges.cloudflare.com",),
        ),
        Provider(
            "hcaptcha", "hCaptcha", "https://js.hcaptcha.com/1/api.js", "h-captcha", "h-captcha-response",
            "HCAPTCHA_VERIFY_URL", ("https://hcaptcha.com", "https://*.hcaptcha.com"),
        ),
        Provider(
            "recaptcha", "reCAPTCHA", "https://www.google.com/recaptcha/api.js", "g-recaptcha",
            "g-recaptcha-response", "RECAPTCHA_VERIFY_URL",
            ("https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"),
        ),
    )
}


def provider_for(settings):
    """The form's provider, or None when it uses none (or a secret is missing)."""
    return PROVIDERS.get(settings.captcha)


def verify(provider, secret, token, remote_addr):
    """Ask the provider whether token is a solved captcha; a reason when it is not (or cannot say)."""
    if not token:
        return reason("captcha_missing", provider.label)
    if len(token) > MAX_TOKEN or not secret:
        return reason("captcha_failed", provider.label)
    body = urllib.parse.urlencode({"secret": secret, "response": token, "remoteip": remote_addr or ""}).encode()
    request = urllib.request.Request(
        current_app.config[provider.verify_setting], data=body, method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=current_app.config["CAPTCHA_VERIFY_TIMEOUT"]) as response:
            answer = json.loads(response.read(MAX_ANSWER_BYTES))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        # the provider could not say: hold the post for review rather than lose it or let it through
        log.warning("%s verify failed: %s", provider.name, exc)
        return reason("captcha_unverified", provider.label)
    if isinstance(answer, dict) and answer.get("success") is True:
        return None
    return reason("captcha_failed", provider.label)
