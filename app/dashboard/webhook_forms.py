"""WTForms classes for the webhook pages (header and rule rows are read by webhook_editor)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.core.forms import TranslatedForm
from app.delivery.payloads import FORMATS
from app.models.webhooks import METHODS, NAME_MAX_LENGTH, RATE_LIMIT_MAX


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
    # its range is checked with the API's rule (services.webhooks.check_rate_limit), one message for both
    rate_limit = IntegerField(
        _l("Requests per second at most"), validators=[Optional()],
        render_kw={"min": 1, "max": RATE_LIMIT_MAX, "step": 1, "inputmode": "numeric"},
        description=_l("Leave empty for no limit. Deliveries above it wait their turn; none fails or counts as an "
                       "attempt."),
    )
    body_template = TextAreaField(_l("Body template (optional)"), validators=[Optional(), Length(max=100_000)])
    match = SelectField(
        _l("Send only when"), default="all",
        choices=[SelectChoice("all", _l("all rules match")), SelectChoice("any", _l("any rule matches"))],
    )
    enabled = BooleanField(_l("Enabled"), default=True)


class PresetForm(TranslatedForm):
    """Only the CSRF token: the preset's own parameters are read from the request."""
