"""REST API v1 (CONTRACT.md §4)."""

from flask import g, jsonify

from app.api import bp
from app.api.auth import api_key_required
from app.extensions import csrf, db
from app.models import Form
from app.tenancy import scoped

csrf.exempt(bp)


@bp.route("/forms", methods=["GET"])
@api_key_required
def list_forms():
    forms = db.session.scalars(scoped(Form, g.workspace_id).order_by(Form.created_at.desc())).all()
    db.session.commit()
    return jsonify({"data": [{"id": form.id, "name": form.name} for form in forms]})
