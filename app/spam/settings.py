"""A form's spam settings: which checks run and their limits, with the defaults filled in."""

from dataclasses import asdict, dataclass, fields

CAPTCHA_PROVIDERS = ("", "turnstile", "hcaptcha", "recaptcha")
MAX_MIN_SECONDS = 600
MAX_LINKS_LIMIT = 1000


@dataclass(frozen=True)
class SpamSettings:
    """Every check is on by default; a false positive costs a lead, so each one can be turned off."""

    challenge: bool = True  # the ALTCHA proof-of-work, for browsers
    min_seconds: int = 3  # faster than this after the page was shown is too fast; 0: off
    max_links: int = 3  # more links than this in the answers; None: off
    duplicates: bool = True  # the same answers again within DUPLICATE_WINDOW
    blocklist: bool = True  # the workspace's block lists of emails, domains and addresses
    captcha: str = ""  # "", or a third-party provider from CAPTCHA_PROVIDERS
    captcha_site_key: str = ""

    def as_dict(self):
        return asdict(self)


_NAMES = {field.name for field in fields(SpamSettings)}


def spam_settings(form):
    """form's settings; keys saved by an older version that no longer exist are ignored."""
    saved = {key: value for key, value in (form.spam_settings or {}).items() if key in _NAMES}
    return SpamSettings(**saved)


def save_spam_settings(form, settings):
    """Keep settings on form; the caller commits."""
    form.spam_settings = settings.as_dict()
