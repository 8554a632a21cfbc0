"""Languages: Flask-Babel bound to the app, and which locale a request is answered in."""

from flask import g

from app.core.config import REPO_ROOT
from app.core.extensions import babel

LANGUAGES = ("en", "id")
DEFAULT_LANGUAGE = "en"
TRANSLATIONS_DIR = REPO_ROOT / "app" / "translations"


def select_locale():
    """The locale chosen for this request (a view may set g.locale), else English."""
    return g.get("locale") or DEFAULT_LANGUAGE


def init_app(app):
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
