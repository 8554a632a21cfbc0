"""Languages: Flask-Babel bound to the app, and which locale a request is answered in."""

import logging
import os
import tempfile

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g

from app.core.config import REPO_ROOT
from app.core.extensions import babel

LANGUAGES = ("en", "id")
DEFAULT_LANGUAGE = "en"
TRANSLATIONS_DIR = REPO_ROOT / "app" / "translations"

log = logging.getLogger(__name__)


def select_locale():
    """The locale chosen for this request (a view may set g.locale), else English."""
    return g.get("locale") or DEFAULT_LANGUAGE


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
