"""Saving webhook settings: what is refused (422 with the field) and what only warns."""

import pytest

from app.services.webhooks import validate_webhook

FIELD_KEYS = ["name", "email"]
NETWORKS = ["127.0.0.0/8"]


def test_a_full_valid_webhook_is_cleaned():
    clean, errors, warnings = validate_webhook({
        "url": "https://hooks.example.com/in?e={{ email }}", "method": "put", "format": "xml",
        "headers": {"X-Token": "t-{{ name }}"}, "body_template": "<lead>{{ name }}</lead>",
        "events": ["submission.created", "webhook.test"],
        "conditions": {"match": "any", "rules": [{"field": "email", "op": "contains", "value": "@"}]},
        "enabled": True,
    }, FIELD_KEYS, NETWORKS)
    assert errors == {} and warnings == []
    assert clean["method"] == "PUT" and clean["format"] == "xml"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"url": "https://hooks.example.com/", "method": "DELETE"}, "method", "must be one of POST, PUT, PATCH, GET"),
    ({"url": "https://hooks.example.com/", "format": "yaml"}, "format", "must be one of json, form, multipart, xml"),
    ({"url": "https://hooks.example.com/", "headers": {"Host": "x"}}, "headers.Host", "not a header name you can set"),
    ({"url": "https://hooks.example.com/", "headers": {"Bad Name": "x"}}, "headers.Bad Name", "not a header name"),
    ({"url": "https://hooks.example.com/", "headers": {"X-A": "{{ name.__class__ }}"}}, "headers.X-A", "private"),
    ({"url": "https://hooks.example.com/", "body_template": "{{ name"}, "body_template", "syntax error"),
    ({"url": "https://hooks.example.com/", "events": ["form.deleted"]}, "events", "must be a list of"),
    ({"url": "https://hooks.example.com/", "conditions": {"match": "some", "rules": []}}, "conditions.match", "all"),
    ({"url": "https://hooks.example.com/", "conditions": {"rules": [{"field": "zip", "op": "equals", "value": "1"}]}},
     "conditions.rules[0].field", "field keys"),
    ({"url": ""}, "url", "is required"),
])
def test_bad_settings_are_refused_with_the_field(data, field, message):
    _, errors, _ = validate_webhook(data, FIELD_KEYS, NETWORKS)
    assert message in errors[field]


def test_unknown_names_and_invalid_documents_only_warn():
    _, errors, warnings = validate_webhook({
        "url": "https://hooks.example.com/?x={{ nope }}", "format": "json", "body_template": '{"a": {{ name }}}',
    }, FIELD_KEYS, NETWORKS)
    assert errors == {}
    assert "unknown name 'nope' renders as empty" in warnings
    assert any(warning.startswith("the body template does not render valid JSON") for warning in warnings)
