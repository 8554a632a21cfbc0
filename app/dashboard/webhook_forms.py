"""WTForms classes for the webhook pages (header and rule rows are read by webhook_editor)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.delivery.payloads import FORMATS
from app.models.webhooks import METHODS, NAME_MAX_LENGTH


class WebhookEditorForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)],
                       description=_l("Shown wherever the webhook is listed. Leave empty to use the URL's host."))
    url = StringField("Webhook URL", validators=[Length(max=4000)])
    method = SelectField("Method", choices=[SelectChoice(method) for method in METHODS], default="POST")
    format = SelectField(
        "Format", choices=[SelectChoice(entry.name, entry.label) for entry in FORMATS.values()], default="json",
    )
    attach_files = BooleanField(
        _l("Attach the uploaded files"),
        description=_l("Multipart only: each file answer also arrives as a file part, beside its signed link."),
    )
    body_template = TextAreaField("Body template (optional)", validators=[Optional(), Length(max=100_000)])
    match = SelectField(
        "Send only when", default="all",
        choices=[SelectChoice("all", "all rules match"), SelectChoice("any", "any rule matches")],
    )
    enabled = BooleanField("Enabled", default=True)


class PresetForm(FlaskForm):
    """Only the CSRF token: the preset's own parameters are read from the request."""
