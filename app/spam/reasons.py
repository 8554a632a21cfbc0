"""Why a submission is in Spam, in words the owner reads (stored as codes, worded when shown)."""

from flask_babel import gettext as _


def _messages():
    return {
        "challenge_missing": lambda d: _(
            "No proof-of-work solution was sent (a script, or a browser without JavaScript)."),
        "challenge_invalid": lambda d: _("The proof-of-work solution is wrong, or made for another form."),
        "challenge_expired": lambda d: _("The proof-of-work challenge had expired (the page was open too long)."),
        "challenge_replayed": lambda d: _("The proof-of-work solution was already used by another submission."),
        "too_fast": lambda d: _(
            "Sent %(seconds)s seconds after the form was shown: faster than a person types.", seconds=d),
        "too_many_links": lambda d: _("The answers hold %(count)s links.", count=d),
        "duplicate": lambda d: _("The same answers were sent within the last %(minutes)s minutes.", minutes=d),
        "blocked_email": lambda d: _("The email %(value)s is on the workspace's block list.", value=d),
        "blocked_domain": lambda d: _("The email domain %(value)s is on the workspace's block list.", value=d),
        "blocked_address": lambda d: _("The address %(value)s is on the workspace's block list.", value=d),
        "captcha_missing": lambda d: _("The %(provider)s captcha was not solved.", provider=d),
        "captcha_failed": lambda d: _("%(provider)s did not accept the captcha answer.", provider=d),
        "captcha_unverified": lambda d: _(
            "%(provider)s could not be asked whether the captcha was solved.", provider=d),
    }


def describe(entry):
    """One stored reason as a sentence; an unknown code (from a newer version) as itself."""
    code = entry.get("code", "") if isinstance(entry, dict) else str(entry)
    message = _messages().get(code)
    return message(entry.get("detail", "")) if message else code


def describe_all(entries):
    return [describe(entry) for entry in entries or []]
