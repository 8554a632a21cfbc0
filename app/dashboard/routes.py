"""The dashboard: forms and their fields, scoped to the current workspace."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.auth.workspaces import current_workspace_id
from app.dashboard import bp
from app.dashboard.forms import ConfirmForm, FieldForm, FormSettingsForm
from app.extensions import db
from app.models import Field, Form
from app.services.forms import validate_field
from app.tenancy import get_scoped_or_404, scoped


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.forms_index"))
    return redirect(url_for("auth.login"))


@bp.route("/forms")
@login_required
def forms_index():
    """List the workspace's forms, newest first."""
    forms = db.session.scalars(scoped(Form, current_workspace_id()).order_by(Form.created_at.desc())).all()
    return render_template("dashboard/forms_index.html", forms=forms, confirm=ConfirmForm())


@bp.route("/forms/new", methods=["GET", "POST"])
@login_required
def form_new():
    """Create a form."""
    settings = FormSettingsForm()
    if settings.validate_on_submit():
        form = Form(workspace_id=current_workspace_id())
        settings.populate_obj(form)
        form.redirect_url = form.redirect_url or None
        form.thank_you_message = form.thank_you_message or Form.thank_you_message.default.arg
        db.session.add(form)
        db.session.commit()
        flash(f"Form “{form.name}” created. Now add its fields.", "success")
        return redirect(url_for("dashboard.form_edit", form_id=form.id))
    return render_template("dashboard/form_new.html", settings=settings), 422 if settings.errors else 200


def _field_data(field_form):
    return {
        "label": field_form.label.data, "key": (field_form.key.data or "").strip() or None,
        "type": field_form.type.data, "required": bool(field_form.required.data),
        "options": field_form.options.data or "", "default": field_form.default.data,
        "placeholder": field_form.placeholder.data,
    }


@bp.route("/forms/<form_id>", methods=["GET", "POST"])
@login_required
def form_edit(form_id):
    """Edit a form's settings and list its fields."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    settings = FormSettingsForm(obj=form)
    if settings.validate_on_submit():
        settings.populate_obj(form)
        form.redirect_url = form.redirect_url or None
        db.session.commit()
        flash("Form settings saved.", "success")
        return redirect(url_for("dashboard.form_edit", form_id=form.id))
    return _render_form_edit(form, settings=settings, field_form=FieldForm(formdata=None))


def _render_form_edit(form, settings=None, field_form=None, status=200):
    return render_template(
        "dashboard/form_edit.html", form=form,
        settings=settings or FormSettingsForm(obj=form, formdata=None),
        field_form=field_form or FieldForm(formdata=None), confirm=ConfirmForm(),
    ), status


@bp.route("/forms/<form_id>/fields", methods=["POST"])
@login_required
def field_add(form_id):
    """Add a field at the end of the form."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    field_form = FieldForm()
    if field_form.validate_on_submit():
        clean, errors = validate_field(_field_data(field_form), "field", set(form.field_keys()))
        if not errors:
            form.fields.append(Field(position=len(form.fields), **clean))
            db.session.commit()
            flash(f"Field “{clean['label']}” added as {{{{ {clean['key']} }}}}.", "success")
            return redirect(url_for("dashboard.form_edit", form_id=form.id) + "#fields")
        for path, message in errors.items():
            getattr(field_form, path.split(".")[-1], field_form.label).errors.append(message)
    return _render_form_edit(form, field_form=field_form, status=422)


@bp.route("/forms/<form_id>/fields/<field_id>", methods=["GET", "POST"])
@login_required
def field_edit(form_id, field_id):
    """Edit one field."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    field = next((f for f in form.fields if f.id == field_id), None)
    if field is None:
        abort(404)
    field_form = FieldForm(obj=field, options="\n".join(field.options or []))
    if request.method == "GET":
        field_form.options.data = "\n".join(field.options or [])
    if field_form.validate_on_submit():
        taken = set(form.field_keys()) - {field.key}
        clean, errors = validate_field(_field_data(field_form), "field", taken)
        if not errors:
            for name, value in clean.items():
                setattr(field, name, value)
            db.session.commit()
            flash("Field saved.", "success")
            return redirect(url_for("dashboard.form_edit", form_id=form.id) + "#fields")
        for path, message in errors.items():
            getattr(field_form, path.split(".")[-1], field_form.label).errors.append(message)
    status = 422 if field_form.errors else 200
    return render_template("dashboard/field_edit.html", form=form, field=field, field_form=field_form), status


@bp.route("/forms/<form_id>/fields/<field_id>/<action>", methods=["POST"])
@login_required
def field_action(form_id, field_id, action):
    """Move a field up or down, or delete it."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    fields = list(form.fields)
    index = next((i for i, f in enumerate(fields) if f.id == field_id), None)
    if index is None or action not in ("up", "down", "delete") or not ConfirmForm().validate_on_submit():
        abort(404)
    if action == "delete":
        removed = fields.pop(index)
        db.session.delete(removed)
        flash(f"Field “{removed.label}” deleted.", "info")
    else:
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(fields):
            fields[index], fields[other] = fields[other], fields[index]
        flash("Field moved.", "info")
    for position, field in enumerate(fields):
        field.position = position
    db.session.commit()
    return redirect(url_for("dashboard.form_edit", form_id=form.id) + "#fields")
