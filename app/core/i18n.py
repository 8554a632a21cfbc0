"""Languages: Flask-Babel bound to the app, and which locale a request is answered in."""

import logging
import os
import tempfile

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, has_request_context, request
from flask_babel import format_decimal, get_locale, refresh

from app.core.config import REPO_ROOT
from app.core.extensions import babel

LANGUAGES = ("en", "id")
DEFAULT_LANGUAGE = "en"
AUTO = "auto"
# what a form's `language` may be: the visitor's choice, or one fixed language
FORM_LANGUAGES = (AUTO, *LANGUAGES)
TRANSLATIONS_DIR = REPO_ROOT / "app" / "translations"
# older systems (Java, Android) still say "in" for Indonesian
_ACCEPTED = {"en": "en", "id": "id", "in": "id"}


def visitor_locale():
    """The visitor's best supported language from Accept-Language, else English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    best = request.accept_languages.best_match(tuple(_ACCEPTED), default=DEFAULT_LANGUAGE)
    return _ACCEPTED[best]


def form_locale(form):
    """The language form's built-in texts are shown and mailed in: fixed by its owner, or the visitor's."""
    language = getattr(form, "language", None) or AUTO
    if language in LANGUAGES:
        return language
    return visitor_locale()


def use_locale(locale):
    """Answer the rest of this request in locale (texts already translated keep theirs)."""
    g.locale = locale if locale in LANGUAGES else DEFAULT_LANGUAGE
    refresh()

def recipient_locale(user):
    """The language to mail user in: their choice, else this request's language, else English."""
    chosen = getattr(user, "language", None)
    if chosen in LANGUAGES:
        return chosen
    return current_locale() if has_request_context() else DEFAULT_LANGUAGE


log = logging.getLogger(__name__)


def select_locale():
    """The locale chosen for this request (a view may set g.locale), else English."""
    return g.get("locale") or DEFAULT_LANGUAGE


def current_locale():
    """The language this response speaks, for <html lang>."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def number_filter(value, decimals=None):
    """Jinja: `{{ count | number }}` → `1,234` (en) / `1.234` (id); number(1) keeps one decimal."""
    if value is None:
        return ""
    if decimals is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0." + "0" * decimals if decimals else "#,##0")


def compile_catalogues(directory=TRANSLATIONS_DIR):
    """Compile each .po whose .mo is missing or older, so a checkout runs without a build step.

    Written to a temporary file and renamed: several processes may start at once.
    """
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with open(po_path, "rb") as handle:
                catalog = read_po(handle)
            fd, tmp = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp, mo_path)
        except OSError:
            log.exception("could not compile %s; its language falls back to English", po_path)


def init_app(app):
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    compile_catalogues()
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_global(current_locale)
    app.add_template_filter(number_filter, "number")
