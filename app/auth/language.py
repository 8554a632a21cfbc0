"""The dashboard's language: the user's choice, else the visitor's cookie, else Accept-Language.

Hosted pages and the API choose their own language (a form's setting, the visitor's browser);
every other page (dashboard, log-in, sign-up, error pages) speaks the language chosen here.
"""

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from app.auth import bp
from app.core.extensions import db
from app.core.forms import TranslatedForm
from app.core.i18n import LANGUAGES, use_locale, visitor_locale
from app.core.redirects import local_path

COOKIE = "formhook_language"
COOKIE_MAX_AGE = 365 * 24 * 3600
# the switcher's choices, each named in its own language
LANGUAGE_NAMES = (("en", "English"), ("id", "Bahasa Indonesia"))
# pages that pick their own language
OWN_LANGUAGE_BLUEPRINTS = ("public", "api", "ops")


def cookie_language():
    """The language a visitor picked before having an account, or None."""
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGUAGES else None


def dashboard_locale():
    """The signed-in user's language, else the cookie's, else the browser's (id or en), else English."""
    chosen = getattr(current_user, "language", None) if current_user.is_authenticated else None
    if chosen in LANGUAGES:
        return chosen
    return cookie_language() or visitor_locale()


@bp.before_app_request
def speak_the_dashboard_language():
    if request.blueprint not in OWN_LANGUAGE_BLUEPRINTS and "locale" not in g:
        use_locale(dashboard_locale())


@bp.app_context_processor
def inject_languages():
    return {"dashboard_languages": LANGUAGE_NAMES}


class LanguageForm(TranslatedForm):
    """Only the CSRF token: the language is the pressed button's value."""


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the dashboard language: kept on the user, and in a cookie for the log-in pages."""
    form = LanguageForm()
    language = request.form.get("language")
    back = local_path(request.form.get("next")) or url_for("dashboard.home")
    if not form.validate_on_submit() or language not in LANGUAGES:
        abort(400)
    if current_user.is_authenticated:
        current_user.language = language
        db.session.commit()
    response = redirect(back)
    response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response
