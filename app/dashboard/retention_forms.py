"""The retention settings a dashboard page offers: a workspace's three, and a form's submissions."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from app.core.forms import TranslatedForm
from app.services.retention import MAX_RETENTION_DAYS

# workspace column → the setting it overrides when left empty
WORKSPACE_RETENTIONS = {
    "retention_attempts_days": "RETENTION_ATTEMPTS_DAYS",
    "retention_deliveries_days": "RETENTION_DELIVERIES_DAYS",
    "retention_captures_days": "RETENTION_CAPTURES_DAYS",
}


def days_field(label):
    """An optional number of days from 1 to MAX_RETENTION_DAYS (empty: the default)."""
    return IntegerField(label, validators=[
        Optional(),
        NumberRange(min=1, max=MAX_RETENTION_DAYS, message=lazy_gettext(
            "enter a whole number of days from 1 to %(max)s, or leave it empty", max=MAX_RETENTION_DAYS)),
    ], render_kw={"min": 1, "max": MAX_RETENTION_DAYS, "inputmode": "numeric"})


class WorkspaceRetentionForm(TranslatedForm):
    retention_attempts_days = days_field(lazy_gettext("Keep delivery attempts for (days)"))
    retention_deliveries_days = days_field(lazy_gettext("Keep finished deliveries for (days)"))
    retention_captures_days = days_field(lazy_gettext("Keep request inspector captures for (days)"))


def workspace_retention_form(workspace, formdata=None):
    """The workspace's retention form, filled from formdata when given, else from the workspace."""
    if formdata is not None:
        return WorkspaceRetentionForm(formdata=formdata, prefix="retention")
    return WorkspaceRetentionForm(formdata=None, prefix="retention",
                                  data={name: getattr(workspace, name) for name in WORKSPACE_RETENTIONS})


def default_hint(name):
    """What an empty retention field means on this server, in the page's language."""
    days = current_app.config[WORKSPACE_RETENTIONS[name]]
    if not days:
        return _("Left empty: kept for ever (this server's default).")
    return _("Left empty: %(days)s days (this server's default).", days=days)
