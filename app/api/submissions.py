"""/api/v1/forms/<id>/submissions: a form's submissions, newest first, a page at a time."""

from flask import g, jsonify, request

from app.api import bp
from app.api.inputs import find_or_404, keyset_page, page_params
from app.api.representations import submission_json
from app.core.errors import ApiError
from app.core.tenancy import scoped
from app.models import Form, Submission
from app.models.submissions import ACCEPTED, SPAM


@bp.get("/forms/<form_id>/submissions")
def list_submissions(form_id):
    """One page of a form's submissions and the cursor of the next."""
    form = find_or_404(Form, form_id, "form")
    limit, cursor = page_params()
    status = request.args.get("status", ACCEPTED)
    if status not in (ACCEPTED, SPAM):
        raise ApiError(422, "invalid query parameters", {"status": "must be accepted or spam"})
    query = scoped(Submission, g.workspace_id).where(Submission.form_id == form.id, Submission.status == status)
    rows, next_cursor = keyset_page(query, Submission, limit, cursor)
    return jsonify({"data": [submission_json(row) for row in rows], "next_cursor": next_cursor})
