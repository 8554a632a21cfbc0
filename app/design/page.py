"""What a hosted page needs to look like its form: the theme's CSS, its mode, description and images."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from app.core.redirects import external_url
from app.design.description import render_description
from app.design.themes import css_variables

MAX_IMAGE_URL = 2000


def https_url(value):
    """value as it will be sent when it is an https URL with a host (an image on a hosted page), else None."""
    if not isinstance(value, str) or len(value) > MAX_IMAGE_URL:
        return None
    sent = external_url(value.strip())
    return sent if sent and urlsplit(sent).scheme == "https" else None


@dataclass(frozen=True)
class PageDesign:
    css: Markup
    mode: str
    font: str
    description_html: Markup
    cover_image_url: str | None
    logo_url: str | None


def page_design(theme, description=None, cover_image_url=None, logo_url=None):
    """The design of one page: theme (already effective), the description rendered and sanitised."""
    return PageDesign(
        # composed in css_variables from checked values and our own font stacks only
        css=Markup(css_variables(theme)), mode=theme["mode"], font=theme["font"],
        # sanitised by an allow-list in render_description: safe to insert as HTML
        description_html=Markup(render_description(description or "")),  # noqa: S704
        cover_image_url=https_url(cover_image_url), logo_url=https_url(logo_url),
    )
