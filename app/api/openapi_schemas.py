"""JSON Schemas of the API's bodies, as they appear under components/schemas."""

from app.api.form_input import LIMITS
from app.api.form_rules_input import CLOSES_AT_PATTERN, TEXTS
from app.core.i18n import AUTO, FORM_LANGUAGES
from app.delivery.payloads import format_names
from app.design.page import MAX_IMAGE_URL
from app.design.themes import FONTS, MAX_RADIUS, MODES
from app.fields import type_names, types
from app.models.webhooks import DELIVERY_STATUSES, EVENTS, METHODS, NAME_MAX_LENGTH, RATE_LIMIT_MAX
from app.services.closing import MAX_SUBMISSIONS_LIMIT
from app.services.form_templates import TEMPLATES
from app.services.forms import MAX_FIELDS, MAX_RULES
from app.services.retention import MAX_RETENTION_DAYS

NON_BLANK = r"\S"
TIMESTAMP = {"type": "string", "format": "date-time"}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


def text(max_length, **extra):
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": NON_BLANK, **extra}


FIELD_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 64}

def field_settings():
    """The field types' own settings as field properties; each applies to the types that define it."""
    schemas = {}
    for kind in types():
        for name, schema in kind.settings_schema.items():
            schemas.setdefault(name, {key: value for key, value in schema.items() if key != "default"})
    return schemas


def rules_schema(description, field_description, **rules_extra):
    """The all/any rule language of webhook conditions and of a field's visible_if."""
    return nullable({
        "type": "object",
        "description": description,
        "properties": {
            "match": {"enum": ["all", "any"], "default": "all"},
            "rules": {"type": "array", **rules_extra, "items": {
                "type": "object", "required": ["field", "op"],
                "properties": {
                    "field": {"type": "string", "description": field_description},
                    "op": {"enum": ["equals", "not_equals", "contains", "not_contains", "empty", "not_empty",
                                    "gt", "lt"]},
                    "value": {"description": "a string or number; required unless op is empty or not_empty"},
                },
            }},
        },
    })


VISIBLE_IF = rules_schema(
    "Show the field (or, on a page break, its page) only when the answers of fields above it match: the "
    "rule language of webhook conditions. Hidden fields are not required and their answers are not stored.",
    "the key of an answer-taking field above this one", maxItems=MAX_RULES,
)

FIELD_INPUT = {
    "type": "object",
    "description": "A form field. `key` defaults to one made from the label; `options` are for select, radio "
                   "and checkbox (at least one); `hidden` fields carry their `default`. `rating` has `max` "
                   "stars, `scale` runs from `min` to `max`; choice fields may set `allow_other` and "
                   "`randomize`. A `consent` or `statement` label may link with [text](https://…). A "
                   "`page_break` starts a new page titled by its label.",
    "required": ["label"],
    "additionalProperties": False,
    "properties": {
        "key": FIELD_KEY,
        "label": text(200),
        "type": {"enum": list(type_names()), "default": "text"},
        "required": {"type": "boolean", "default": False},
        "options": {"type": "array", "items": {"type": "string"}},
        "default": nullable({"type": "string"}),
        "placeholder": nullable({"type": "string", "maxLength": 200}),
        "visible_if": VISIBLE_IF,
        **field_settings(),
    },
}

FIELD = {
    "type": "object",
    "required": ["key", "label", "type", "required", "default", "placeholder"],
    "properties": {
        "key": FIELD_KEY,
        "label": {"type": "string"},
        "type": {"enum": list(type_names())},
        "required": {"type": "boolean"},
        "options": {"type": "array", "items": {"type": "string"}},
        "default": nullable({"type": "string"}),
        "placeholder": nullable({"type": "string"}),
        "visible_if": VISIBLE_IF,
        **field_settings(),
    },
}



def answer_schema():
    """An answer's value: one of the field types' answer schemas, each type saying its own."""
    schemas = []
    for kind in types():
        if kind.takes_answer and kind.answer_schema not in schemas:
            schemas.append(kind.answer_schema)
    return {"anyOf": schemas, "description": "the answer, as its field's type stores it"}


THEME_SETTINGS = {
    "accent": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "description": "buttons, links and focus"},
    "background": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$", "description": "the page behind the card"},
    "font": {"enum": list(FONTS), "description": "a system font stack; no font is ever downloaded"},
    "radius": {"type": "integer", "minimum": 0, "maximum": MAX_RADIUS, "description": "corner radius in px"},
    "mode": {"enum": list(MODES)},
}
THEME_INPUT = nullable({
    "type": "object", "additionalProperties": False, "properties": THEME_SETTINGS,
    "description": "the settings given replace the form's current ones; null: follow the workspace's default",
})
THEME = {"type": "object", "required": list(THEME_SETTINGS), "properties": THEME_SETTINGS,
         "description": "the theme the form is shown in (its own, else the workspace's default)"}
IMAGE_URL = {"anyOf": [{"type": "string", "pattern": "^https://", "maxLength": MAX_IMAGE_URL}, {"const": ""},
                       {"type": "null"}], "description": "an https:// image; empty or null: none"}
RULE_SETTINGS = {
    "thank_you_message": nullable({"type": "string", "maxLength": TEXTS["thank_you_message"],
                                   "description": "may use {{ names }} of the answers; empty or null: ours"}),
    "description": nullable({"type": "string", "maxLength": TEXTS["description"],
                             "description": "Markdown (paragraphs, emphasis, lists, links, headings)"}),
    "cover_image_url": IMAGE_URL,
    "logo_url": IMAGE_URL,
    "theme": THEME_INPUT,
    "closes_at": nullable({"type": "string", "format": "date-time", "pattern": CLOSES_AT_PATTERN,
                           "description": "the form closes at this time (given with its offset; read back in UTC)"}),
    "max_submissions": nullable({"type": "integer", "minimum": 1, "maximum": MAX_SUBMISSIONS_LIMIT,
                                 "description": "the form closes once it has this many submissions"}),
    "closed_message": nullable({"type": "string", "maxLength": TEXTS["closed_message"],
                                "description": "shown with status 410 once the form is closed"}),
    "submission_retention_days": nullable({
        "type": "integer", "minimum": 1, "maximum": MAX_RETENTION_DAYS,
        "description": "submissions older than this are deleted with their files; null keeps them until deleted",
    }),
}
LANGUAGE = {
    "enum": list(FORM_LANGUAGES), "default": AUTO,
    "description": "The language of the page's built-in texts (buttons, validation messages, thank-you, "
                   "error messages): `auto` follows the visitor's Accept-Language (Indonesian or English), "
                   "`en` and `id` fix it. The form's own texts stay as written.",
}

TEMPLATE = {
    "enum": list(TEMPLATES),
    "description": "Start from a gallery template: its name, fields (with hidden campaign_name and utm_* "
                   "fields), button and thank-you texts, written in the body's `language` when it is `en` or "
                   "`id` (else English). Every other setting in the body replaces the template's.",
}

NOTIFICATIONS = nullable({
    "type": "object",
    "description": "Mail about each submission (README \"Notifications\"); null: none. Subjects and bodies are "
                   "templates of the answers ({{ name }}, {{ all_answers }}); empty: the built-in texts.",
    "properties": {
        "members": {"type": "array", "items": {"type": "string"},
                    "description": "emails of workspace members to notify"},
        "emails": {"type": "array", "maxItems": 20, "items": {"type": "string", "format": "email"},
                   "description": "other addresses to notify"},
        "subject": {"type": "string", "maxLength": 300},
        "body": {"type": "string", "maxLength": 10000},
        "digest": {"enum": ["off", "hourly", "daily"], "default": "off",
                   "description": "one mail per submission, or one summary an hour or a day"},
        "autoresponder": nullable({
            "type": "object", "required": ["field"],
            "properties": {"field": {"type": "string", "description": "the key of one of the form's email fields"},
                           "subject": {"type": "string", "maxLength": 300},
                           "body": {"type": "string", "maxLength": 10000}},
        }),
    },
})

FORM_SETTINGS = {
    "name": text(LIMITS["name"]),
    "fields": {"type": "array", "maxItems": MAX_FIELDS, "items": ref("FieldInput"),
               "description": "Keys must be unique; the list replaces the form's fields."},
    "submit_label": nullable(text(LIMITS["submit_label"])) | {
        "description": "The button's text; null (the default) shows the built-in label in the page's "
                       "language (\"Submit\", \"Kirim\")."},
    "redirect_url": nullable({"type": "string", "maxLength": LIMITS["redirect_url"],
                              "pattern": r"^https?://[^\s/?#]+",
                              "description": "answers may be piped in after the host: ?plan={{ plan }}"}),
    "enabled": {"type": "boolean", "default": True},
    **RULE_SETTINGS,
    "language": LANGUAGE,
    "notifications": NOTIFICATIONS,
}

FORM = {
    "type": "object",
    "required": ["id", "public_id", "name", "fields", "submit_label", "redirect_url", "enabled",
                 "public_url", "embed", "created_at", "language", "thank_you_message", "description",
                 "cover_image_url", "logo_url", "theme", "closes_at", "max_submissions", "closed_message"],
    "properties": {
        "id": {"type": "string"},
        "public_id": {"type": "string"},
        "name": {"type": "string"},
        "fields": {"type": "array", "items": ref("Field")},
        "submit_label": nullable({"type": "string"}),
        "redirect_url": nullable({"type": "string"}),
        "enabled": {"type": "boolean"},
        "public_url": {"type": "string", "format": "uri"},
        "embed": {
            "type": "object", "required": ["script", "iframe"],
            "properties": {"script": {"type": "string"}, "iframe": {"type": "string"}},
        },
        "created_at": TIMESTAMP,
        "thank_you_message": nullable({"type": "string"}),
        "description": nullable({"type": "string"}),
        "cover_image_url": nullable({"type": "string"}),
        "logo_url": nullable({"type": "string"}),
        "theme": THEME,
        "closes_at": nullable(TIMESTAMP),
        "max_submissions": nullable({"type": "integer"}),
        "submission_retention_days": nullable({"type": "integer"}),
        "closed_message": nullable({"type": "string"}),
        "language": {"enum": list(FORM_LANGUAGES)},
        "notifications": NOTIFICATIONS,
    },
}

CONDITIONS = rules_schema("Send only when the answers match: all rules, or any of them.",
                          "one of the form's field keys")

IGNORED = {"description": "read-only; accepted so a fetched webhook can be sent back, and ignored"}

WEBHOOK_SETTINGS = {
    "name": nullable({"type": "string", "maxLength": NAME_MAX_LENGTH,
                      "description": "what the webhook is called in lists; empty or null: the URL's host"}),
    "url": {"type": "string", "minLength": 1, "maxLength": 4000,
            "description": "http(s) URL; the path and query may use {{ names }}; must reach the public internet"},
    "method": {"enum": list(METHODS), "default": "POST"},
    "format": {"enum": list(format_names()), "default": "json"},
    "headers": nullable({"type": "object", "additionalProperties": {"type": "string"},
                         "description": "header name → value template"}),
    "body_template": nullable({"type": "string"}),
    "events": nullable({"type": "array", "items": {"enum": list(EVENTS)}, "default": ["submission.created"]}),
    "conditions": CONDITIONS,
    "enabled": {"type": "boolean", "default": True},
    "attach_files": {"type": "boolean", "default": False,
                     "description": "multipart webhooks also send uploaded files as file parts"},
    "rate_limit": nullable({"type": "integer", "minimum": 1, "maximum": RATE_LIMIT_MAX,
                            "description": "requests per second at most; those above it wait their turn, none "
                                           "fails; null: no limit"}),
    "id": IGNORED, "form_id": IGNORED, "secret": IGNORED, "disabled_reason": IGNORED, "listen_only": IGNORED,
}

WEBHOOK = {
    "type": "object",
    "required": ["id", "form_id", "name", "url", "method", "format", "headers", "body_template", "events",
                 "conditions", "enabled", "disabled_reason", "secret", "created_at"],
    "properties": {
        "id": {"type": "string"},
        "form_id": {"type": "string"},
        "name": {"type": "string"},
        "url": {"type": "string"},
        "method": {"enum": list(METHODS)},
        "format": {"enum": list(format_names())},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "body_template": nullable({"type": "string"}),
        "events": {"type": "array", "items": {"enum": list(EVENTS)}},
        "conditions": {"anyOf": [{"type": "object"}, {"type": "null"}]},
        "enabled": {"type": "boolean"},
        "attach_files": {"type": "boolean"},
        "rate_limit": nullable({"type": "integer", "description": "requests per second at most; null: no limit"}),
        "disabled_reason": nullable({"type": "string"}),
        "secret": {"type": "string", "pattern": "^whsec_"},
        "listen_only": {"type": "boolean", "description": "a form's local webhook (POST /forms/{form_id}/listen): "
                                                          "its deliveries only go to a listen client"},
        "created_at": TIMESTAMP,
        "warnings": {"type": "array", "items": {"type": "string"},
                     "description": "only when non-empty, e.g. unknown template names"},
    },
}

DELIVERY = {
    "type": "object",
    "required": ["id", "webhook_id", "submission_id", "event", "status", "attempt_count", "next_attempt_at",
                 "created_at", "last_status_code", "last_error"],
    "properties": {
        "id": {"type": "string", "description": "also the webhook-id header of every attempt"},
        "webhook_id": {"type": "string"},
        "submission_id": nullable({"type": "string"}),
        "event": {"enum": list(EVENTS)},
        "status": {"enum": list(DELIVERY_STATUSES)},
        "attempt_count": {"type": "integer", "minimum": 0},
        "next_attempt_at": nullable(TIMESTAMP),
        "created_at": TIMESTAMP,
        "last_status_code": nullable({"type": "integer"}),
        "last_error": nullable({"type": "string"}),
    },
}

ATTEMPT = {
    "type": "object",
    "required": ["at", "request", "response", "error", "duration_ms"],
    "properties": {
        "at": TIMESTAMP,
        "request": {"type": "object", "properties": {
            "method": {"type": "string"}, "url": {"type": "string"},
            "headers": {"type": "object"}, "body": {"type": "string"},
            "via": {"const": "listen", "description": "present when a listen session carried the request"},
        }},
        "response": nullable({"type": "object", "properties": {
            "status": {"type": "integer"}, "headers": {"type": "object"}, "body": {"type": "string"},
        }}),
        "error": nullable({"type": "string"}),
        "duration_ms": {"type": "integer", "minimum": 0},
    },
}


LISTEN_SCHEMAS = {
    "LocalListenSessionCreate": {"type": "object", "required": ["url"], "additionalProperties": False,
                                 "properties": {
        "url": {"type": "string", "maxLength": 4000, "description": "the local URL (a template, like a webhook's); "
                                                                    "never connected to by the server"},
        "mode": {"const": "instead"},
    }},
    "ListenSessionCreate": {"type": "object", "additionalProperties": False, "properties": {
        "mode": {"enum": ["instead", "also"], "default": "instead",
                 "description": "instead: only the client gets the deliveries; also: the URL still gets them "
                                "(and decides the attempt), the client a copy"},
    }},
    "ListenSession": {"type": "object", "required": ["id", "webhook_id", "mode", "expires_in", "poll_wait"],
                      "properties": {
                          "id": {"type": "string"}, "webhook_id": {"type": "string"},
                          "mode": {"enum": ["instead", "also"]}, "url": {"type": "string"},
                          "expires_in": {"type": "integer", "description": "seconds the session outlives its "
                                                                           "last poll"},
                          "poll_wait": {"type": "integer", "description": "seconds one poll waits at most"},
                      }},
    "ListenRequest": {"type": "object",
                      "required": ["token", "delivery_id", "method", "url", "path", "headers", "body", "timeout"],
                      "properties": {
                          "token": {"type": "string", "description": "send it back with the answer"},
                          "delivery_id": {"type": "string"}, "method": {"type": "string"},
                          "url": {"type": "string", "description": "the webhook's URL after templating"},
                          "path": {"type": "string", "description": "its path and query"},
                          "headers": {"type": "object", "additionalProperties": {"type": "string"},
                                      "description": "as sent, signature included"},
                          "body": {"type": "string", "contentEncoding": "base64", "description": "the body bytes"},
                          "timeout": {"type": "number", "description": "seconds the answer is waited for"},
                      }},
    "ListenAnswer": {"type": "object", "required": ["token"], "properties": {
        "token": {"type": "string", "maxLength": 64},
        "status": nullable({"type": "integer", "minimum": 100, "maximum": 599}),
        "headers": {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 100},
        "body": {"type": "string", "description": "the start of the local answer, at most 64 KiB"},
        "error": nullable(text(500, description="why the local URL gave no answer (status null)")),
        "duration_ms": {"type": "integer", "minimum": 0, "maximum": 3600000},
    }},
    "ListenAnswerTaken": {"type": "object", "required": ["ok"],
                          "properties": {"ok": {"const": True}, "via": {"const": "listen"}}},
}


def page_of(item_schema):
    return {
        "type": "object", "required": ["data", "next_cursor"],
        "properties": {"data": {"type": "array", "items": item_schema},
                       "next_cursor": nullable({"type": "string"})},
    }


SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["invalid"]},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "field path (e.g. fields[1].key) → what is wrong"},
            },
        }},
    },
    "FieldInput": FIELD_INPUT,
    "Field": FIELD,
    "FormCreate": {"type": "object", "additionalProperties": False,
                   "properties": {"template": TEMPLATE, **FORM_SETTINGS},
                   "anyOf": [{"required": ["name", "fields"]}, {"required": ["template"]}]},
    "FormUpdate": {"type": "object", "additionalProperties": False, "properties": FORM_SETTINGS},
    "Form": FORM,
    "FormList": {"type": "object", "required": ["data"],
                 "properties": {"data": {"type": "array", "items": ref("Form")}}},
    "Submission": {
        "type": "object", "required": ["id", "created_at", "answers", "meta"],
        "properties": {"id": {"type": "string"}, "created_at": TIMESTAMP,
                       "answers": {"type": "object", "additionalProperties": answer_schema()},
                       "meta": {"type": "object"},
                       "status": {"enum": ["accepted", "spam"],
                                  "description": "only on a submission held by the spam checks (spam: not delivered)"},
                       "spam_reasons": {"type": "array", "items": {"type": "string"},
                                        "description": "why it was held (codes, README \"Spam protection\")"}},
    },
    "SubmissionPage": page_of(ref("Submission")),
    "WebhookCreate": {"type": "object", "required": ["url"], "additionalProperties": False,
                      "properties": WEBHOOK_SETTINGS},
    "WebhookUpdate": {"type": "object", "additionalProperties": False, "properties": WEBHOOK_SETTINGS},
    "WebhookFromPreset": {
        "type": "object", "required": ["values"], "additionalProperties": False,
        "properties": {
            "values": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 2000},
                       "description": "the preset's values by name, as the dashboard asks for them; WhatsApp: "
                                      "`phone_number_id`, `access_token`, `to` (`{{ phone | wa }}` or a number), "
                                      "`mode` (`template` or `text`), and for a template `template_name`, "
                                      "`language_code`, `parameters` (field keys, comma-separated)"},
            "name": WEBHOOK_SETTINGS["name"],
            "enabled": WEBHOOK_SETTINGS["enabled"],
        },
    },
    "Webhook": WEBHOOK,
    "WebhookList": {"type": "object", "required": ["data"],
                    "properties": {"data": {"type": "array", "items": ref("Webhook")}}},
    "TestEventQueued": {"type": "object", "required": ["delivery_id"],
                        "properties": {"delivery_id": {"type": "string"}}},
    "Delivery": DELIVERY,
    "DeliveryPage": page_of(ref("Delivery")),
    "Attempt": ATTEMPT,
    "DeliveryDetail": {"allOf": [ref("Delivery"), {
        "type": "object", "required": ["attempts"],
        "properties": {"attempts": {"type": "array", "items": ref("Attempt")}},
    }]},
    **LISTEN_SCHEMAS,
}
