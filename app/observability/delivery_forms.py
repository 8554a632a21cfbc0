"""WTForms classes for the delivery log's buttons."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField
from wtforms.validators import DataRequired


class ResendFailedForm(FlaskForm):
    # typed in the workspace's time zone; the view converts it to UTC
    since = DateTimeLocalField(lazy_gettext("Failed since"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])


class EnableWebhookForm(FlaskForm):
    resend_backlog = BooleanField("Also resend what it missed while failing and disabled", default=True)
