"""The builder's fields: add, edit, move, reorder by drag and drop, delete.

Each route answers the page's script with redrawn fragments (app.dashboard.builder_fragments)
and a browser without it with a redirect or a full page.
"""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.workspaces import current_workspace_id
from app.core.errors import ApiError, wants_json
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404
from app.dashboard import bp
from app.dashboard.builder_fragments import (
    EDITOR_PREFIX,
    builder_update,
    editor_update,
    focus_after_delete,
    wants_fragments,
)
from app.dashboard.field_logic import initial_rules, offer_fields, visible_if_from
from app.dashboard.forms import FieldForm
from app.dashboard.routes import render_form_edit
from app.models import Field, Form
from app.services import field_renames
from app.services.forms import answer_types, drop_rules_on, order_problems, validate_field

MOVES = {"up": -1, "down": 1}


def _field_data(field_form):
    return {
        "label": field_form.label.data, "key": (field_form.key.data or "").strip() or None,
        "type": field_form.type.data, "required": bool(field_form.required.data),
        "options": field_form.options.data or "", "default": field_form.default.data,
        "placeholder": field_form.placeholder.data,
        "max_files": field_form.max_files.data, "accept": field_form.accept.data or None,
        "min": field_form.min.data, "max": field_form.max.data,
        "allow_other": bool(field_form.allow_other.data), "randomize": bool(field_form.randomize.data),
        "visible_if": visible_if_from(field_form),
    }


def _show_errors(field_form, errors):
    for path, message in errors.items():
        if ".visible_if" in path:
            field_form.logic_match.errors.append(message)  # the rule rows are one setting, shown together
            continue
        getattr(field_form, path.split(".")[-1], field_form.label).errors.append(message)


def _builder_url(form, field_id=None):
    return url_for("dashboard.form_edit", form_id=form.id) + (f"#field-{field_id}" if field_id else "#fields")


def _field_or_404(form, field_id):
    field = next((f for f in form.fields if f.id == field_id), None)
    if field is None:
        abort(404)
    return field


@bp.route("/forms/<form_id>/fields", methods=["POST"])
@login_required
def field_add(form_id):
    """Add a field at the end of the form."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    field_form = offer_fields(FieldForm(), form.fields)
    if field_form.validate_on_submit():
        clean, errors = validate_field(_field_data(field_form), "field", set(form.field_keys()),
                                       answer_types(form.fields))
        if not errors:
            field = Field(position=len(form.fields), **clean)
            form.fields.append(field)
            db.session.commit()
            flash(_("Field “%(label)s” added as %(placeholder)s.", label=clean["label"],
                    placeholder="{{ " + clean["key"] + " }}"), "success")
            if wants_fragments():
                return builder_update(form, focus="label")  # ready for the next field
            return redirect(_builder_url(form, field.id))
        _show_errors(field_form, errors)
    flash(_("The field was not added: check the highlighted values."), "danger")
    if wants_fragments():
        return builder_update(form, field_form=field_form, status=422)
    return render_form_edit(form, field_form=field_form, status=422)


@bp.route("/forms/<form_id>/fields/<field_id>", methods=["GET", "POST"])
@login_required
def field_edit(form_id, field_id):
    """Edit one field; renaming a key that webhooks use asks first, then updates them in the same save."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    field = _field_or_404(form, field_id)
    above = form.fields[:form.fields.index(field)]
    inline = wants_fragments()
    field_form = offer_fields(FieldForm(obj=field, prefix=EDITOR_PREFIX if inline else "", **initial_rules(field)),
                              above)
    if request.method == "GET":
        field_form.options.data = "\n".join(field.options or [])
    if field_form.validate_on_submit():
        taken = set(form.field_keys()) - {field.key}
        clean, errors = validate_field(_field_data(field_form), "field", taken, answer_types(above))
        if not errors:
            old_key = field.key
            usages = field_renames.uses_of(form, old_key) if clean["key"] != old_key else []
            if usages and request.form.get("rename_templates") != "update":
                return _rename_dialog(form, field, field_form, clean["key"], usages)
            stuck = field_renames.check_rewritable(usages, old_key)
            if stuck:
                flash(_("Not saved: these webhooks use {{ %(key)s }} in a way that cannot be updated for you: "
                        "%(which)s. Edit them first.", key=old_key, which=field_renames.describe(stuck)), "danger")
                return _editor_page(form, field, field_form, 409)
            for name, value in clean.items():
                setattr(field, name, value)
            field_renames.rename_in_webhooks(usages, old_key, field.key, current_user)
            db.session.commit()
            flash(_("Field “%(label)s” saved.", label=field.label), "success")
            if usages:
                flash(_("{{ %(old)s }} is now {{ %(new)s }} in %(which)s.", old=old_key, new=field.key,
                        which=field_renames.describe(usages)), "success")
            if inline:
                return builder_update(form, focus=f"edit-link-{field.id}")
            return redirect(_builder_url(form, field.id))
        _show_errors(field_form, errors)
    return _editor_page(form, field, field_form, 422 if field_form.errors else 200)


def _editor_page(form, field, field_form, status, rename=None):
    """The field's editor: inline in the builder for its script, else its own page."""
    if wants_fragments():
        return editor_update(form, field, field_form, status, rename)
    return render_template("dashboard/field_edit.html", form=form, field=field, field_form=field_form,
                           rename=rename), status


def _rename_dialog(form, field, field_form, new_key, usages):
    """Ask before renaming a key that webhooks use: update them all in this save, or keep the old key."""
    resubmit = [(name, value) for name, value in request.form.items(multi=True)
                if name not in ("csrf_token", "rename_templates")]
    rename = {"old": field.key, "new": new_key, "usages": usages, "resubmit": resubmit}
    return _editor_page(form, field, field_form, 409, rename)


def _renumber(fields):
    for position, field in enumerate(fields):
        field.position = position


@bp.route("/forms/<form_id>/fields/order", methods=["POST"])
@login_required
def fields_reorder(form_id):
    """Put the fields in the posted order (every field id, once); answers JSON to scripts."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    order = request.form.getlist("order")
    by_id = {field.id: field for field in form.fields}
    if sorted(order) != sorted(by_id):
        raise ApiError(422, "the order must list every field of the form once", {"order": "incomplete or unknown"})
    problems = order_problems([by_id[field_id] for field_id in order])
    if problems:
        raise ApiError(422, _("this order would put a field above the answer its rule reads"), problems)
    _renumber([by_id[field_id] for field_id in order])
    db.session.commit()
    if wants_fragments():
        flash(_("Field order saved."), "success")
        return builder_update(form)
    if wants_json():
        return jsonify({"ok": True, "order": order, "message": _("Field order saved.")})
    flash(_("Field order saved."), "success")
    return redirect(_builder_url(form))


@bp.route("/forms/<form_id>/fields/<field_id>/<action>", methods=["POST"])
@login_required
def field_action(form_id, field_id, action):
    """Move a field up or down, or delete it."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    fields = list(form.fields)
    field = _field_or_404(form, field_id)
    if action not in ("up", "down", "delete") or not ConfirmForm().validate_on_submit():
        abort(404)
    index = fields.index(field)
    focus = f"move-{action}-{field_id}"  # a moved field keeps focus on the button pressed, even at an end
    if action == "delete":
        focus = focus_after_delete(fields, index)
        usages = field_renames.uses_of(form, field.key)
        fields.pop(index)
        db.session.delete(field)
        for changed in drop_rules_on(fields, field.key):
            flash(_("“%(label)s” no longer has a rule on “%(deleted)s”.", label=changed.label,
                    deleted=field.label), "warning")
        flash(_("Field “%(label)s” deleted.", label=field.label), "info")
        if usages:
            flash(_("These webhooks still use {{ %(key)s }} and now send it empty: %(which)s. Edit them.",
                    key=field.key, which=field_renames.describe(usages)), "warning")
        field_id = None
    else:
        other = index + MOVES[action]
        moved = list(fields)
        if 0 <= other < len(fields):
            moved[index], moved[other] = moved[other], moved[index]
        problems = order_problems(moved)
        if problems:
            for message in problems.values():
                flash(message, "danger")
            if wants_fragments():
                return builder_update(form, focus=f"move-{action}-{field_id}", status=422)
            return redirect(_builder_url(form, field_id))
        if 0 <= other < len(fields):
            fields[index], fields[other] = fields[other], fields[index]
            moved_text = _("Field “%(label)s” moved up.") if action == "up" else _("Field “%(label)s” moved down.")
            flash(moved_text % {"label": field.label}, "info")
        else:
            at_end = (_("Field “%(label)s” is already at the top.") if action == "up"
                      else _("Field “%(label)s” is already at the bottom."))
            flash(at_end % {"label": field.label}, "info")
    _renumber(fields)
    db.session.commit()
    if wants_fragments():
        return builder_update(form, focus=focus)
    return redirect(_builder_url(form, field_id))
