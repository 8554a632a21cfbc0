"""The spam checks' side of the hosted form: the challenge endpoint and what the page carries."""

from flask import current_app, g, jsonify, request, url_for

from app.core.extensions import limiter
from app.public import bp
from app.public.routes import _load_form
from app.spam import captchas, challenge, stamps
from app.spam.settings import spam_settings


def _challenge_rate_key():
    return f"challenge:{request.view_args.get('public_id')}:{request.remote_addr}"


@bp.route("/f/<public_id>/challenge", methods=["GET"], endpoint="challenge")
@limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"], key_func=_challenge_rate_key)
def new_challenge(public_id):
    """A fresh proof-of-work challenge for the form (fetched by the widget, from any site)."""
    form = _load_form(public_id)
    response = jsonify(challenge.new_challenge(form.public_id))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.app_template_global()
def spam_checks(form, posted=None):
    """What the form page carries for the checks: the render stamp, the challenge, the captcha."""
    if not current_app.config["SPAM_PROTECTION"]:
        return None
    settings = spam_settings(form)
    provider = captchas.provider_for(settings) if settings.captcha_site_key else None
    if provider is not None:
        # its script and frame come from the provider: the page's policy must allow them (and only them)
        g.csp_extra_sources = provider.csp_sources
    stamp = (posted or {}).get(stamps.FIELD_NAME)
    return {
        "stamp_name": stamps.FIELD_NAME,
        "stamp": stamps.carried_stamp(stamp, form.public_id),
        "challenge_url": url_for("public.challenge", public_id=form.public_id, _external=True)
        if settings.challenge else None,
        "challenge_name": challenge.FIELD_NAME,
        "provider": provider,
        "site_key": settings.captcha_site_key,
    }
