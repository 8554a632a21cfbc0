"""WTForms classes for the dashboard's pages."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.forms import TranslatedForm
from app.core.i18n import AUTO
from app.core.redirects import external_url
from app.dashboard.field_logic import RULE_ROWS, RuleForm
from app.dashboard.retention_forms import days_field
from app.fields import types
from app.files.kinds import DEFAULT_KINDS, KINDS


def redirect_target(form, field):
    """The redirect URL must survive being sent as a Location header unchanged in meaning."""
    if field.data and external_url(field.data) is None:
        raise ValidationError(_("enter a full http(s) URL without spaces, line breaks or backslashes"))


class FormSettingsForm(TranslatedForm):
    name = StringField(lazy_gettext("Form name"), validators=[DataRequired(), Length(max=200)])
    submit_label = StringField(lazy_gettext("Submit button label"), validators=[Optional(), Length(max=100)])
    thank_you_message = TextAreaField(lazy_gettext("Thank-you message"), validators=[Optional(), Length(max=2000)])
    redirect_url = StringField(
        lazy_gettext("Redirect URL after submit (optional)"),
        validators=[
            Optional(), URL(require_tld=False, message=lazy_gettext("enter a full http(s) URL")), redirect_target,
            Length(max=2000),
        ],
    )
    enabled = BooleanField(lazy_gettext("Accept submissions"), default=True)
    language = SelectField(
        lazy_gettext("Language of the page"), default=AUTO,
        choices=[
            SelectChoice(AUTO, lazy_gettext("Visitor's browser language (Indonesian or English)")),
            SelectChoice("id", lazy_gettext("Indonesian")),
            SelectChoice("en", lazy_gettext("English")),
        ],
    )
    submission_retention_days = days_field(lazy_gettext("Delete submissions older than (days)"))


class FieldForm(TranslatedForm):
    label = StringField(lazy_gettext("Label"), validators=[DataRequired(), Length(max=200)])
    key = StringField(lazy_gettext("Key (used in webhooks)"), validators=[Optional(), Length(max=64)])
    type = SelectField(lazy_gettext("Type"), default="text",
                       choices=lambda: [SelectChoice(kind.name, str(kind.label)) for kind in types()])
    required = BooleanField(lazy_gettext("Required"))
    options = TextAreaField(lazy_gettext("Options (one per line)"), validators=[Optional()])
    default = StringField(lazy_gettext("Default value"), validators=[Optional(), Length(max=2000)])
    placeholder = StringField(lazy_gettext("Placeholder"), validators=[Optional(), Length(max=200)])
    min = IntegerField(lazy_gettext("Lowest number"), validators=[Optional()])
    max = IntegerField(lazy_gettext("Highest number (stars for a rating)"), validators=[Optional()])
    allow_other = BooleanField(lazy_gettext("Offer “Other…” with a text box"))
    randomize = BooleanField(lazy_gettext("Shuffle the options for each visitor"))
    logic_match = SelectField(lazy_gettext("Show this field"), default="all", choices=[
        SelectChoice("all", lazy_gettext("when all of these rules match")),
        SelectChoice("any", lazy_gettext("when any of these rules match")),
    ])
    rules = FieldList(FormField(RuleForm), min_entries=RULE_ROWS, max_entries=RULE_ROWS)
    # file fields only
    max_files = IntegerField(lazy_gettext("Files per answer"), validators=[Optional(), NumberRange(min=1, max=20)],
                             default=1)
    accept = SelectMultipleField(
        lazy_gettext("Allowed kinds"), validators=[Optional()], default=list(DEFAULT_KINDS),
        choices=lambda: [SelectChoice(kind.name, str(kind.label)) for kind in KINDS.values()],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )

    @staticmethod
    def type_names_with(setting):
        """Space-separated names of the field types that have this setting."""
        return " ".join(kind.name for kind in types() if setting in kind.settings_schema)

    @staticmethod
    def type_names_where(**flags):
        """Space-separated names of the field types with these flags (the editor shows inputs by type)."""
        return " ".join(kind.name for kind in types() if all(getattr(kind, n) == v for n, v in flags.items()))


class WebhookUrlForm(TranslatedForm):
    url = StringField(lazy_gettext("New webhook URL"), validators=[DataRequired(), Length(max=4000)])
    enabled = BooleanField(lazy_gettext("Enabled"), default=True)
