"""The builder without reloads: the parts of the page a field change redraws, as JSON for static/builder.js.

The script sends FRAGMENT_HEADER with each form it submits; a route that sees it answers
{"ok", "messages", "replace": {element id: outer HTML}, "focus": element id, "preview"}
instead of redirecting, and the script swaps those elements in place. Without the script
the same routes redirect and flash as before.
"""

from flask import get_flashed_messages, jsonify, render_template, request

from app.core.forms import ConfirmForm
from app.dashboard.field_logic import offer_fields
from app.dashboard.forms import FieldForm
from app.services import field_renames

FRAGMENT_HEADER = "X-Formhook-Fragment"
# the inline editor shares the page with the add-field form: its inputs get their own ids and names
EDITOR_PREFIX = "edit"


def wants_fragments():
    return request.headers.get(FRAGMENT_HEADER) == "builder"


def field_list_html(form):
    return render_template(
        "dashboard/_field_list.html", form=form, confirm=ConfirmForm(),
        field_uses=field_renames.uses_by_key(form), describe_uses=field_renames.describe,
    )


def add_field_html(form, field_form=None):
    field_form = field_form or offer_fields(FieldForm(formdata=None), form.fields)
    return render_template("dashboard/_add_field_card.html", form=form, field_form=field_form)


def fragment_response(replace, focus=None, status=200, preview=False):
    """The JSON the script applies; the messages flashed during this request travel with it."""
    messages = [{"category": category, "text": str(text)}
                for category, text in get_flashed_messages(with_categories=True)]
    return jsonify({
        "ok": status < 400, "messages": messages, "replace": replace, "focus": focus, "preview": preview,
    }), status


def builder_update(form, focus=None, field_form=None, status=200):
    """The field list and the add-field card redrawn; the preview reloads when something was saved."""
    replace = {"fields": field_list_html(form), "add-field-card": add_field_html(form, field_form)}
    return fragment_response(replace, focus, status, preview=status < 400)


def editor_update(form, field, field_form, status=200, rename=None):
    """One field's list item turned into its inline editor (with the rename question when asked)."""
    html = render_template("dashboard/_field_editor_item.html", form=form, field=field, field_form=field_form,
                           rename=rename)
    focus = "rename-update" if rename else f"{EDITOR_PREFIX}-label"
    return fragment_response({f"field-{field.id}": html}, focus, status)


def focus_after_delete(fields, index):
    """Where keyboard focus goes once fields[index] is gone: the next field's Edit, the previous one, or Add."""
    rest = fields[:index] + fields[index + 1:]
    if not rest:
        return "label"
    return f"edit-link-{rest[min(index, len(rest) - 1)].id}"
