"""WTForms classes for the webhook pages (header and rule rows are read by webhook_editor)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.core.forms import TranslatedForm
from app.delivery.payloads import FORMATS
from app.models.webhooks import METHODS, NAME_MAX_LENGTH


class WebhookEditorForm(TranslatedForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=NAME_MAX_LENGTH)],
                       description=_l("Shown wherever the webhook is listed. Leave empty to use the URL's host."))
    url = StringField(_l("Webhook URL"), validators=[Length(max=4000)])
    method = SelectField(_l("Method"), choices=[SelectChoice(method) for method in METHODS], default="POST")
    format = SelectField(
        _l("Format"), choices=[SelectChoice(entry.name, entry.label) for entry in FORMATS.values()], default="json",
    )
    attach_files = BooleanField(
        _l("Attach the uploaded files"),
        description=_l("Multipart only: each file answer also arrives as a file part, beside its signed link."),
    )
    body_template = TextAreaField(_l("Body template (optional)"), validators=[Optional(), Length(max=100_000)])
    match = SelectField(
        _l("Send only when"), default="all",
        choices=[SelectChoice("all", _l("all rules match")), SelectChoice("any", _l("any rule matches"))],
    )
    enabled = BooleanField(_l("Enabled"), default=True)


class PresetForm(TranslatedForm):
    """Only the CSRF token: the preset's own parameters are read from the request."""
