"""The forms of Settings → Data: a data subject request, and the confirm step of a bulk delete."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.core.forms import TranslatedForm


class ErasureRequestForm(TranslatedForm):
    """The email of a person who asked for their data to be deleted; `confirmed` set on the second step."""

    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Length(max=254),
                    Email(message=_l("enter a valid email address"), check_deliverability=False)],
        description=_l("Every submission to any form of this workspace whose answers hold this address is "
                       "deleted, with its files, deliveries and mails."),
    )
    confirmed = HiddenField(validators=[Optional()])


class BulkDeleteForm(TranslatedForm):
    """The confirm step of deleting every submission a filter finds (the filter travels in the query string)."""
