"""Browser-facing security headers: a nonce-based CSP, framing rules, nosniff and referrer policy."""

import secrets

from flask import g, request

# the hosted form is meant to be framed by any site (embed.js); nothing else may be framed
# (the embed script and static files are not pages, so framing them is harmless)
FRAMEABLE_ENDPOINTS = {"public.show", "public.submit", "public.embed_script", "static"}
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# a hosted form may redirect to the customer's thank-you page after a post, so form-action stays open;
# its theme is one nonce'd <style> of checked values, its cover and logo https images
# a form with a third-party captcha also allows that provider's script, styles and frame ({extra})
HOSTED_FORM_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'{extra}; style-src 'self' 'nonce-{nonce}'{extra}; "
    "img-src 'self' data: https:; frame-src 'self'{extra}; connect-src 'self'{extra}; "
    "object-src 'none'; base-uri 'self'; frame-ancestors *"
)
# the Design tab's preview is a hosted page drawn in a draft design, framed by the dashboard only
DESIGN_PREVIEW_CSP = HOSTED_FORM_CSP.replace("frame-ancestors *", "frame-ancestors 'self'")
DESIGN_PREVIEW_ENDPOINTS = {"dashboard.form_design_preview"}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# the API reference is a page: the app's own CSS and JS files, and still no inline script at all
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/api/docs",)
# uploaded files set their own sandboxing policy (app/files/serving.py)
FILE_ENDPOINTS = {"public.file", "dashboard.file_download"}


def csp_nonce():
    """This request's CSP nonce, for the rare <script nonce="{{ csp_nonce() }}"> a page needs."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy_for(endpoint, path):
    if endpoint in FRAMEABLE_ENDPOINTS:
        return HOSTED_FORM_CSP
    if endpoint in DESIGN_PREVIEW_ENDPOINTS:
        return DESIGN_PREVIEW_CSP
    if path in DOCS_PATHS:
        return DOCS_CSP
    if path.startswith("/api/"):
        return API_CSP
    return DASHBOARD_CSP


def add_security_headers(response):
    """Set the headers on every response; hosted forms differ only in who may frame them."""
    headers = response.headers
    policy = _policy_for(request.endpoint, request.path)
    if request.endpoint not in FILE_ENDPOINTS or "Content-Security-Policy" not in headers:
        extra = "".join(f" {source}" for source in g.get("csp_extra_sources", ()))
        headers["Content-Security-Policy"] = policy.format(nonce=csp_nonce(), extra=extra)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if policy is DESIGN_PREVIEW_CSP:
        headers["X-Frame-Options"] = "SAMEORIGIN"
    elif policy is not HOSTED_FORM_CSP:
        headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app):
    """Register the headers and the csp_nonce() template helper."""
    app.after_request(add_security_headers)
    app.add_template_global(csp_nonce)
