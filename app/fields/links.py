"""Links in a label ("I agree to the [terms](https://example.com/terms)"): only http(s) and mailto."""

import re

from flask_babel import gettext as _
from markupsafe import Markup, escape

LINK_RE = re.compile(r"\[([^\[\]]{1,200})\]\(([^\s)]{1,1000})\)")
SAFE_SCHEME_RE = re.compile(r"^(https?://[^\s/?#]+|mailto:[^\s]+)", re.IGNORECASE)


def unsafe_links(text):
    """The link targets in text a visitor must not be sent to (javascript:, data:, relative …)."""
    return [target for _label, target in LINK_RE.findall(text or "") if not SAFE_SCHEME_RE.match(target)]


def links_problem(text, path):
    """{path: message} when text links anywhere but http(s) or mailto."""
    if unsafe_links(text):
        return {path: _("links may only start with http://, https:// or mailto:")}
    return {}


def linked(text):
    """text as HTML: escaped, with its safe [label](url) links as <a>; any other link stays as text."""
    parts, last = [], 0
    for match in LINK_RE.finditer(text or ""):
        label, target = match.groups()
        parts.append(escape(text[last:match.start()]))
        if SAFE_SCHEME_RE.match(target):
            parts.append(Markup('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>').format(target, label))
        else:
            parts.append(escape(match.group(0)))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)


def plain(text):
    """text with each [label](url) link as its label: for places that show no HTML."""
    return LINK_RE.sub(lambda match: match.group(1), text or "")
