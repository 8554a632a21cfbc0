"""Where a user may be sent after logging in: a path of this site, judged as it will be sent."""

from urllib.parse import urlsplit

from werkzeug.urls import iri_to_uri


def local_path(target):
    """Return target as the Location header will carry it when that stays on this site, else None.

    Werkzeug passes Location through iri_to_uri, whose urlsplit drops tabs and newlines
    ("/\\t/evil.example" becomes "//evil.example"), and browsers read a backslash as a slash;
    so anything unprintable or with a backslash is refused, and the converted value is checked.
    """
    if not target or not target.isprintable() or "\\" in target:
        return None
    try:
        sent = iri_to_uri(target)
        parts = urlsplit(sent)
    except ValueError:  # e.g. an unbalanced "[" read as an IPv6 host
        return None
    if parts.scheme or parts.netloc or not sent.startswith("/") or sent.startswith("//"):
        return None
    return sent


def external_url(target):
    """Return target as the Location header will carry it when that is an http(s) URL with a host, else None."""
    if not target or not target.isprintable() or "\\" in target:
        return None
    try:
        sent = iri_to_uri(target)
        parts = urlsplit(sent)
        parts.port  # noqa: B018 — a port that is not a number raises here, not when redirecting
    except ValueError:  # also a host IDNA cannot encode
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return sent
