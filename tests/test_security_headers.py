"""CSP with nonces, framing only for hosted forms, nosniff and referrer policy; no inline script."""

import re

from app.core.config import REPO_ROOT
from tests.conftest import make_form

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def _csp(response):
    return dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in response.headers["Content-Security-Policy"].split(";")
    )


def test_dashboard_pages_forbid_framing_and_inline_script(app, client, accounts):
    accounts.user()
    accounts.login(client)
    for path in ("/login", "/forms", "/forms/new"):
        response = client.get(path)
        csp = _csp(response)
        assert csp["frame-ancestors"] == "'none'"
        assert "'unsafe-inline'" not in csp["script-src"] and re.search(r"'nonce-[\w-]{16,}'", csp["script-src"])
        assert csp["object-src"] == "'none'" and csp["form-action"] == "'self'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_nonce_changes_per_request(app, client):
    first, second = (_csp(client.get("/login"))["script-src"] for _ in range(2))
    assert first != second


def test_hosted_form_may_be_framed_by_any_site_and_api_by_none(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    for response in (client.get(f"/f/{public_id}"), client.post(f"/f/{public_id}", data={})):
        csp = _csp(response)
        assert csp["frame-ancestors"] == "*"
        assert "X-Frame-Options" not in response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    api = client.get("/api/v1/forms")
    assert _csp(api) == {"default-src": "'none'", "frame-ancestors": "'none'"}


def test_https_requests_get_hsts(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "max-age" in client.get("/login", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_no_template_has_inline_script_handlers_or_javascript_urls():
    offenders = []
    for template in (REPO_ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JS_URL):
            offenders += [f"{template.name}: {match.group(0)}" for match in pattern.finditer(text)]
    assert offenders == []


def test_csp_nonce_helper_is_available_to_templates(app):
    with app.test_request_context("/"):
        rendered = app.jinja_env.from_string('<script nonce="{{ csp_nonce() }}"></script>').render()
        assert re.fullmatch(r'<script nonce="[\w-]{16,}"></script>', rendered)
