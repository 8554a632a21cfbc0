"""The OpenAPI description of deleting data (one submission, a person's data) and the workspace export."""

from app.api.openapi_schemas import ref

COUNTS = ("submissions", "files", "deliveries", "attempts", "mails", "captures", "exports")
REMOVED = {
    "type": "object", "description": "how many of each thing were deleted",
    "required": list(COUNTS),
    "properties": {name: {"type": "integer", "minimum": 0} for name in COUNTS},
}
ERASURE_SCHEMAS = {
    "ErasureRequest": {
        "type": "object", "required": ["email"], "additionalProperties": False,
        "properties": {"email": {"type": "string", "maxLength": 254,
                                 "description": "the address whose submissions (any form of the workspace) go"}},
    },
    "ErasurePreview": {
        "type": "object", "required": ["email", "submissions"],
        "properties": {"email": {"type": "string", "description": "the address, masked (j•••@e•••.com)"},
                       "submissions": {"type": "integer", "minimum": 0}},
    },
    "Erasure": {
        "type": "object", "required": ["id", "email", "removed", "at"],
        "properties": {"id": {"type": "string", "description": "the audit record's id"},
                       "email": {"type": "string", "description": "the address, masked"},
                       "removed": REMOVED, "at": {"type": "string", "format": "date-time"}},
    },
    "WorkspaceExport": {
        "type": "object", "required": ["format", "exported_at", "workspace", "forms"],
        "description": "every form with its fields, webhooks (no secrets; credentials masked) and submissions",
        "properties": {"format": {"const": "formhook-export/1"}, "exported_at": {"type": "string"},
                       "workspace": {"type": "object"}, "forms": {"type": "array", "items": {"type": "object"}}},
    },
}


def erasure_paths(operation, submission_id):
    """The paths, built with openapi.operation (passed in: that module imports this one)."""
    return {
        "/submissions/{submission_id}": {
            "delete": operation("deleteSubmission", "Delete a submission with its files, deliveries and attempts, "
                                "mails and inspector copies.", 204, None, "Data", [submission_id]),
        },
        "/erasure/preview": {
            "post": operation("previewErasure", "Count the workspace's submissions holding an email; nothing is "
                              "deleted (owners and admins).", 200, ref("ErasurePreview"), "Data",
                              body=ref("ErasureRequest"), errors=(401, 403, 429)),
        },
        "/erasure": {
            "post": operation("eraseByEmail", "Delete every submission of the workspace holding an email, with "
                              "every trace, and record it in the audit trail (owners and admins).", 200,
                              ref("Erasure"), "Data", body=ref("ErasureRequest"), errors=(401, 403, 429)),
        },
        "/export": {
            "get": operation("exportWorkspace", "Download everything the workspace holds as one JSON document, "
                             "streamed (owners only).", 200, ref("WorkspaceExport"), "Data", errors=(401, 403, 429)),
        },
    }
