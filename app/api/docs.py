"""GET /api/v1/openapi.json and the human page rendered from it, GET /api/docs."""

import json

from flask import jsonify, render_template, url_for

from app.api import docs_bp
from app.api.openapi import document
from app.core.extensions import limiter

METHOD_ORDER = ("get", "post", "patch", "delete")


def _document():
    return document(url_for("api.list_forms", _external=True).removesuffix("/forms"))


@docs_bp.get("/api/v1/openapi.json")
@limiter.exempt
def openapi_json():
    """Serve the OpenAPI 3.1 document."""
    return jsonify(_document())


def _operations(doc):
    for path, methods in doc["paths"].items():
        for method in METHOD_ORDER:
            if method in methods:
                yield {"path": path, "method": method.upper(), **methods[method]}


def schema_name(schema):
    """'#/components/schemas/Form' → 'Form'."""
    return (schema or {}).get("$ref", "").rsplit("/", 1)[-1]


@docs_bp.get("/api/docs")
@limiter.exempt
def api_docs():
    """Show the API reference, rendered from the OpenAPI document."""
    doc = _document()
    schemas = {name: json.dumps(schema, indent=2) for name, schema in doc["components"]["schemas"].items()}
    return render_template(
        "api/docs.html", doc=doc, operations=list(_operations(doc)), schemas=schemas, schema_name=schema_name,
    )
