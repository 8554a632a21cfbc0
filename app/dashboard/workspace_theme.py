"""Settings → Workspace → Default theme: the look of every form that has no theme of its own."""

from flask import request

from app.dashboard.design_forms import ThemeForm
from app.design.themes import clean_theme, effective_theme

RESET = "reset"


def workspace_theme_form(workspace):
    """The default-theme form showing what is saved (the built-in theme when none is)."""
    form = ThemeForm(formdata=None, prefix="theme")
    form.fill(effective_theme(None, workspace.theme))
    return form


def save_workspace_theme(workspace, form):
    """(saved, form): checks the posted theme with the API's rules; the reset button drops it."""
    if request.form.get("theme_action") == RESET:
        workspace.theme = None
        return True, form
    if not form.validate():
        return False, form
    theme, errors = clean_theme(form.theme_data())
    for name, message in errors.items():
        box = form[name.removeprefix("theme.")]
        box.errors = [*box.errors, message]
    if errors:
        return False, form
    workspace.theme = theme
    return True, form
