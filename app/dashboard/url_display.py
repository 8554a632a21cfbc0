"""Webhook URLs as lists show them: credentials (bot tokens, ?token=…, passwords) masked.

Every member sees the lists; the real URL is shown only on an explicit Reveal in the editor.
"""

from app.core.redaction import MASK, redact
from app.dashboard import bp


@bp.app_template_filter("masked_url")
def masked_url(url):
    """url with every credential we recognise replaced by the mask."""
    return redact(url or "")


def has_secret(url):
    """True when the URL carries something the lists mask."""
    return MASK in masked_url(url)
