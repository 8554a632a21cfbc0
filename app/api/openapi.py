"""The OpenAPI 3.1 document of API v1: every operation, schema and error."""

from app.api.idempotency import KEY_PATTERN, MAX_KEY_LENGTH
from app.api.inputs import ID_RE, MAX_LIMIT
from app.api.openapi_erasure import ERASURE_SCHEMAS, erasure_paths
from app.api.openapi_schemas import SCHEMAS, ref
from app.core.version import __version__
from app.delivery.listen_sessions import SESSION_ID as SESSION_ID_RE
from app.integrations.presets import PRESETS
from app.models.webhooks import DELIVERY_STATUSES

ERRORS = {
    400: "The body is not valid JSON, or a header is malformed.",
    401: "No API key, or a key that is unknown or revoked.",
    403: "The role of the key's creator in the workspace may not do this.",
    404: "No such object in the key's workspace.",
    409: "Conflict: the Idempotency-Key was used with another request or that request is still running; "
         "or the action cannot be done now (a retry while the webhook is disabled).",
    413: "The body is too large.",
    422: "Validation failed; `fields` says which field and why.",
    429: "Too many requests for this API key; wait `Retry-After` seconds.",
}
RATE_HEADERS = {
    "RateLimit-Limit": "Requests allowed per window for this key.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
}


def _header(description, required=False):
    return {"description": description, "required": required, "schema": {"type": "string"}}


def _rate_headers():
    return {name: _header(text) for name, text in RATE_HEADERS.items()}


def _json(schema):
    return {"application/json": {"schema": schema}}


def _error(status):
    response = {"description": ERRORS[status], "content": _json(ref("Error")), "headers": _rate_headers()}
    if status == 429:
        response["headers"]["Retry-After"] = _header("Seconds to wait before retrying.", required=True)
    return response


def _path_param(name, what):
    return {"name": name, "in": "path", "required": True, "description": f"the {what}'s id",
            "schema": {"type": "string", "pattern": ID_RE.pattern}}


PAGE_PARAMS = [
    {"name": "limit", "in": "query", "description": "page size",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50}},
    {"name": "cursor", "in": "query", "description": "`next_cursor` of the previous page",
     "schema": {"type": "string"}},
]
IDEMPOTENCY_PARAM = {
    "name": "Idempotency-Key", "in": "header",
    "description": "Repeat a POST safely: the same key and body within 24 h answers the first response "
                   "again and creates nothing; another body with that key is a 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
}


def operation(operation_id, summary, ok_status, ok_schema, tag, params=(), body=None, errors=(401, 404, 429)):
    """One operation: its success answer, its body (if any) and the errors it can give."""
    ok = {"description": summary, "headers": _rate_headers()}
    if ok_schema is not None:
        ok["content"] = _json(ok_schema)
    spec = {"operationId": operation_id, "summary": summary, "tags": [tag], "parameters": list(params),
            "responses": {str(ok_status): ok}}
    error_statuses = set(errors)
    if body is not None:
        spec["requestBody"] = {"required": True, "content": _json(body)}
        error_statuses |= {400, 413, 422}
    if operation_id.startswith(("create", "send", "rotate", "retry")):
        spec["parameters"].append(IDEMPOTENCY_PARAM)
        error_statuses |= {400, 409}
    for status in sorted(error_statuses):
        spec["responses"][str(status)] = _error(status)
    return spec


FORM_ID = _path_param("form_id", "form")
WEBHOOK_ID = _path_param("webhook_id", "webhook")
DELIVERY_ID = _path_param("delivery_id", "delivery")
SUBMISSION_ID = _path_param("submission_id", "submission")
PRESET_NAME = {"name": "preset_name", "in": "path", "required": True, "description": "the preset",
               "schema": {"enum": sorted(PRESETS)}}
SUBMISSION_STATUS_PARAM = {"name": "status", "in": "query",
                           "description": "accepted (the default) or spam: the submissions held by the spam checks",
                           "schema": {"enum": ["accepted", "spam"], "default": "accepted"}}
SESSION_ID = {"name": "session_id", "in": "path", "required": True, "description": "the listen session's id",
              "schema": {"type": "string", "pattern": SESSION_ID_RE.pattern}}
NO_REQUEST_YET = {"description": "No request came while the poll waited: ask again (after `Retry-After` "
                                 "seconds, when given).", "headers": {"Retry-After": _header("Seconds to wait.")}}
STATUS_PARAM = {"name": "status", "in": "query", "description": "only deliveries in this status",
                "schema": {"enum": list(DELIVERY_STATUSES)}}


def paths():
    return {
        "/forms": {
            "get": operation("listForms", "List the workspace's forms, newest first.", 200, ref("FormList"),
                             "Forms", errors=(401, 429)),
            "post": operation("createForm", "Create a form.", 201, ref("Form"), "Forms",
                              body=ref("FormCreate"), errors=(401, 429)),
        },
        "/forms/{form_id}": {
            "get": operation("getForm", "Get a form.", 200, ref("Form"), "Forms", [FORM_ID]),
            "patch": operation("updateForm", "Change any subset of a form's settings.", 200, ref("Form"),
                               "Forms", [FORM_ID], body=ref("FormUpdate")),
            "delete": operation("deleteForm", "Delete a form, its submissions and webhooks.", 204, None,
                                "Forms", [FORM_ID]),
        },
        "/forms/{form_id}/submissions": {
            "get": operation("listSubmissions", "List a form's submissions, newest first.", 200,
                             ref("SubmissionPage"), "Submissions", [FORM_ID, *PAGE_PARAMS, SUBMISSION_STATUS_PARAM],
                             errors=(401, 404, 422, 429)),
        },
        "/forms/{form_id}/webhooks": {
            "get": operation("listWebhooks", "List a form's webhooks.", 200, ref("WebhookList"), "Webhooks",
                             [FORM_ID]),
            "post": operation("createWebhook", "Add a webhook to a form.", 201, ref("Webhook"), "Webhooks",
                              [FORM_ID], body=ref("WebhookCreate")),
        },
        "/forms/{form_id}/webhooks/presets/{preset_name}": {
            "post": operation("createWebhookFromPreset", "Add the webhook a preset builds for a service (WhatsApp "
                              "Cloud API, Telegram, Slack, Discord, CRM) from the preset's values.", 201,
                              ref("Webhook"), "Webhooks", [FORM_ID, PRESET_NAME], body=ref("WebhookFromPreset")),
        },
        "/webhooks/{webhook_id}": {
            "get": operation("getWebhook", "Get a webhook.", 200, ref("Webhook"), "Webhooks", [WEBHOOK_ID]),
            "patch": operation("updateWebhook", "Change any subset of a webhook's settings.", 200, ref("Webhook"),
                               "Webhooks", [WEBHOOK_ID], body=ref("WebhookUpdate")),
            "delete": operation("deleteWebhook", "Delete a webhook and its deliveries.", 204, None, "Webhooks",
                                [WEBHOOK_ID]),
        },
        "/webhooks/{webhook_id}/test": {
            "post": operation("sendTestEvent", "Send a webhook.test event now.", 202, ref("TestEventQueued"),
                              "Webhooks", [WEBHOOK_ID]),
        },
        "/webhooks/{webhook_id}/rotate-secret": {
            "post": operation("rotateSecret", "Replace the secret; the old one signs alongside for 24 h.", 200,
                              ref("Webhook"), "Webhooks", [WEBHOOK_ID]),
        },
        "/webhooks/{webhook_id}/deliveries": {
            "get": operation("listDeliveries", "List a webhook's deliveries, newest first.", 200,
                             ref("DeliveryPage"), "Deliveries", [WEBHOOK_ID, STATUS_PARAM, *PAGE_PARAMS],
                             errors=(401, 404, 422, 429)),
        },
        "/deliveries/{delivery_id}": {
            "get": operation("getDelivery", "Get a delivery with every attempt.", 200, ref("DeliveryDetail"),
                             "Deliveries", [DELIVERY_ID]),
        },
        **listen_paths(),
        **erasure_paths(operation, SUBMISSION_ID),
        "/deliveries/{delivery_id}/retry": {
            "post": operation("retryDelivery", "Send a delivery again now, with the same webhook-id "
                              "(while an attempt is in flight: right after it is recorded).", 202,
                              ref("Delivery"), "Deliveries", [DELIVERY_ID]),
        },
    }


def listen_paths():
    """The listen session's operations: what static/listen.py calls."""
    open_session = operation(
        "openListenSession", "Open a listen session: the webhook's deliveries go to the polling client instead "
        "of (mode instead) or as well as (mode also) its URL; a session of the webhook already open ends.",
        201, ref("ListenSession"), "Listen", [WEBHOOK_ID], body=ref("ListenSessionCreate"),
    )
    next_request = operation(
        "nextListenRequest", "Wait up to poll_wait seconds for the next request, exactly as it would be sent.",
        200, ref("ListenRequest"), "Listen", [SESSION_ID], errors=(401, 404, 409, 429),
    )
    next_request["responses"]["204"] = NO_REQUEST_YET
    open_local = operation(
        "openLocalListenSession", "Open a listen session on the form's local webhook (made the first time, its URL "
        "set to the given local one), whose deliveries only ever go to the listen client.", 201,
        ref("ListenSession"), "Listen", [FORM_ID], body=ref("LocalListenSessionCreate"),
    )
    return {
        "/forms/{form_id}/listen": {"post": open_local},
        "/webhooks/{webhook_id}/listen": {"post": open_session},
        "/listen/{session_id}/next": {"get": next_request},
        "/listen/{session_id}/answers": {
            "post": operation("answerListenRequest", "Report the local answer to a request; it is recorded as "
                              "the attempt, via listen.", 202, ref("ListenAnswerTaken"), "Listen", [SESSION_ID],
                              body=ref("ListenAnswer"), errors=(401, 404, 409, 429)),
        },
        "/listen/{session_id}": {
            "delete": operation("closeListenSession", "End the session: deliveries go to the webhook's URL again.",
                                204, None, "Listen", [SESSION_ID], errors=(401, 404, 409, 429)),
        },
    }


def document(server_url):
    """The whole OpenAPI document, with server_url (…/api/v1) as the server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Formhook API", "version": __version__,
            "description": "Manage forms and webhooks, read submissions and the delivery log. "
                           "Authenticate with `Authorization: Bearer <API key>` (Settings → API keys, or "
                           "`flask apikey create`). Every object belongs to the key's workspace; another "
                           "workspace's id is a 404.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": name} for name in ("Forms", "Submissions", "Webhooks", "Deliveries", "Listen", "Data")],
        "paths": paths(),
        "components": {
            "schemas": {**SCHEMAS, **ERASURE_SCHEMAS},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "an API key, fh_…"}},
        },
    }
