"""A form's description: a Markdown subset rendered to HTML, then sanitised by an allow-list."""

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

MAX_DESCRIPTION = 5000
# what a description may hold: paragraphs, emphasis, lists, links, quotes, small headings, code
ALLOWED_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "code", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
LINK_SCHEMES = {"https", "http", "mailto"}

# commonmark without raw HTML and images (a cover and a logo have their own settings)
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_inline", "html_block", "table"], ignoreInvalid=True,
)


def _shift_headings(html):
    # the form's name is the page's h1: a description's # and ## become h2, deeper ones h3
    for level in (6, 5, 4, 3, 2, 1):
        target = 2 if level == 1 else min(level, 3)
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    return html


@lru_cache(maxsize=1024)
def render_description(source):
    """Safe HTML for a description's Markdown; links open in a new tab and carry no referrer."""
    if not source:
        return ""
    html = _shift_headings(_MARKDOWN.render(source[:MAX_DESCRIPTION]))
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc", set_tag_attribute_values={"a": {"target": "_blank"}},
    ).strip()
