"""/api/v1/forms: list, create, read, change and delete forms."""

from flask import g, jsonify

from app.api import bp
from app.api.form_input import template_body, validate_form
from app.api.form_rules_input import SETTINGS as RULE_SETTINGS
from app.api.form_rules_input import template_problems
from app.api.idempotency import idempotent
from app.api.inputs import find_or_404, json_body
from app.api.representations import form_json
from app.core.errors import ApiError
from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Form
from app.public.look import form_theme
from app.services import erasure, uploads
from app.services.forms import replace_fields
from app.services.notification_settings import SettingsRefused, clean_settings


def _apply(form, clean):
    for name in ("name", "submit_label", "redirect_url", "enabled", "language", *RULE_SETTINGS):
        if name in clean:
            setattr(form, name, clean[name])
    # an empty thank-you message means ours, in the page's language
    form.thank_you_message = form.thank_you_message or ""
    if "fields" in clean:
        replace_fields(form, clean["fields"])
    body = json_body()
    if "notifications" in body:
        form.notifications = _notifications(form, body["notifications"])


def _notifications(form, value):
    """Checked against the form as changed (its members, its email fields); 422 naming each bad setting."""
    if value is None:
        return None
    try:
        clean, _warnings = clean_settings(form, value)
    except SettingsRefused as refused:
        db.session.rollback()
        raise ApiError(422, "the form is not valid",
                       {f"notifications.{path}": message for path, message in refused.fields.items()}) from None
    return clean


def _validated(form=None, body=None):
    """The clean body for a new form (form None) or a change to form; 422 naming each bad setting."""
    current_theme = form_theme(form) if form is not None else None
    body = json_body() if body is None else body
    clean, errors = validate_form(body, partial=form is not None, current_theme=current_theme)
    if not errors:
        keys = [field["key"] for field in clean["fields"]] if "fields" in clean else form.field_keys()
        errors = template_problems(clean, keys)
    if errors:
        raise ApiError(422, "the form is not valid", errors)
    return clean


@bp.get("/forms")
def list_forms():
    """List the workspace's forms, newest first."""
    forms = db.session.scalars(scoped(Form, g.workspace_id).order_by(Form.id.desc())).all()
    return jsonify({"data": [form_json(form) for form in forms]})


@bp.post("/forms")
@idempotent
def create_form():
    """Create a form with its fields, or from a gallery template with the settings given on top."""
    body, template = template_body(json_body())
    clean = _validated(body=body)
    form = Form(workspace_id=g.workspace_id, template=template)
    _apply(form, clean)
    db.session.add(form)
    db.session.commit()
    return jsonify(form_json(form)), 201


@bp.get("/forms/<form_id>")
def get_form(form_id):
    return jsonify(form_json(find_or_404(Form, form_id, "form")))


@bp.patch("/forms/<form_id>")
def update_form(form_id):
    """Change any subset of a form's settings; fields, when sent, replace the list."""
    form = find_or_404(Form, form_id, "form")
    _apply(form, _validated(form))
    db.session.commit()
    return jsonify(form_json(form))


@bp.delete("/forms/<form_id>")
def delete_form(form_id):
    """Delete a form with its fields, submissions and webhooks."""
    form = find_or_404(Form, form_id, "form")
    export_keys = erasure.form_leftovers(form.workspace_id, form.id)
    db.session.delete(form)
    db.session.commit()
    uploads.delete_objects(export_keys)
    return "", 204
