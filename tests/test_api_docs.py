"""The OpenAPI document describes every route of the API, and /api/docs renders it."""

import re

from app.api import bp


def test_document_is_openapi_31_and_covers_every_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": "http://localhost/api/v1"}]
    documented = {(method.upper(), path) for path, methods in doc["paths"].items() for method in methods}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(f"{bp.name}."):
            path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
            routed |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed and len(routed) == 26
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            statuses = set(operation["responses"])
            assert {"401", "429"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= statuses, (method, path)
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_lists_every_operation_without_inline_script(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            assert f'id="{operation["operationId"]}"' in html
            assert f"{method.upper()} http://localhost/api/v1{path}" in html
    # the shared dashboard script (a file) is fine; no script may be inline
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
