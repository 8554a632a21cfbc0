"""Reading API requests: JSON bodies, ids, pagination parameters."""

import re

from flask import g, request

from app.api import bp
from app.core.errors import ApiError
from app.core.extensions import db
from app.core.safe_text import JsonRefused, json_problems, parse_json
from app.core.tenancy import scoped

ID_RE = re.compile(r"^[a-z]{2,5}_[0-9a-z]{26}$")
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
QUERY_PARAMETERS = {
    "api.list_submissions": {"limit", "cursor", "status"},
    "api.list_deliveries": {"limit", "cursor", "status"},
}


@bp.before_request
def refuse_unknown_query_parameters():
    """A misspelt parameter (?limt=5) is an error, not silently a different answer."""
    unknown = sorted(set(request.args) - QUERY_PARAMETERS.get(request.endpoint, set()))
    if unknown:
        problems = {name: "is not a parameter of this operation" for name in unknown}
        raise ApiError(422, "unknown query parameters", problems)


def json_body(required=True):
    """Return the request's JSON object; 400 when it is not JSON, 422 when it is not an object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise ApiError(400, "send a JSON object as the request body")
        return {}
    try:
        data = parse_json(raw)
    except JsonRefused as exc:
        raise ApiError(400, f"the request body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError(422, "the request body must be a JSON object", {"body": "must be a JSON object"})
    problems = dict(json_problems(data))
    if problems:
        raise ApiError(422, "some values cannot be stored", problems)
    return data


def find_or_404(model, object_id, noun):
    """Return the workspace's row with that id, or a 404 that says nothing about other workspaces."""
    row = None
    if ID_RE.match(object_id or ""):
        row = db.session.scalar(scoped(model, g.workspace_id).where(model.id == object_id))
    if row is None:
        raise ApiError(404, f"{noun} not found")
    return row


def page_params():
    """Return (limit, cursor) from the query string, 422 when either is malformed."""
    errors = {}
    raw_limit = request.args.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not re.fullmatch(r"[0-9]{1,3}", raw_limit) or not 1 <= int(raw_limit) <= MAX_LIMIT:
            errors["limit"] = f"must be a whole number from 1 to {MAX_LIMIT}"
        else:
            limit = int(raw_limit)
    cursor = request.args.get("cursor") or None
    if cursor is not None and not ID_RE.match(cursor):
        errors["cursor"] = "is not a cursor this API gave out"
    if errors:
        raise ApiError(422, "invalid query parameters", errors)
    return limit, cursor


def keyset_page(query, model, limit, cursor):
    """Newest first by id (ids are time-ordered): rows after cursor, and the next cursor.

    Paging on the id rather than an offset keeps pages stable while rows are being added.
    """
    if cursor is not None:
        query = query.where(model.id < cursor)
    rows = db.session.scalars(query.order_by(model.id.desc()).limit(limit + 1)).all()
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor
