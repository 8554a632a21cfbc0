"""WTForms classes for the delivery log's buttons."""

from flask_babel import lazy_gettext
from wtforms import BooleanField, DateTimeLocalField
from wtforms.validators import DataRequired

from app.core.forms import TranslatedForm


class ResendFailedForm(TranslatedForm):
    # typed in the workspace's time zone; the view converts it to UTC
    since = DateTimeLocalField(lazy_gettext("Failed since"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])


class EnableWebhookForm(TranslatedForm):
    resend_backlog = BooleanField(lazy_gettext("Also resend what it missed while failing and disabled"), default=True)
