"""Webhook names: what a webhook is called where it is listed, and its default."""

from flask_babel import gettext as _

from app.models.webhooks import NAME_MAX_LENGTH, host_of


def name_from_url(url):
    """The host of a webhook URL ("crm.example"), the name a webhook gets when none is given."""
    return (host_of(url) or _("Webhook"))[:NAME_MAX_LENGTH]


def check_name(value, url, errors):
    """The name to store: the given one trimmed, or the URL's host when it is left empty.

    Without a URL (a PATCH of the name alone) an empty name stays empty here; the model names
    the webhook after its stored URL's host when it is saved.
    """
    if value is None or value == "":
        return name_from_url(url) if url else ""
    if not isinstance(value, str):
        errors["name"] = _("must be a string")
        return None
    value = " ".join(value.split())  # one line: names are shown in tables and pickers
    if len(value) > NAME_MAX_LENGTH:
        errors["name"] = _("is too long (%(limit)d characters at most)", limit=NAME_MAX_LENGTH)
        return None
    return value or (name_from_url(url) if url else "")
