"""Email: an address checked for its shape (not its deliverability)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import EmailField
from wtforms.validators import Email, Length

from app.fields.base import FieldType
from app.fields.registry import register


@register
class EmailType(FieldType):
    name = "email"
    label = lazy_gettext("Email")
    answer_schema = {"type": "string", "description": "an email address, or \"\" when left empty"}

    def autocomplete(self, field):
        return "email"

    def validators(self, field):
        return [Email(message=_("enter a valid email address"), check_deliverability=False), Length(max=254)]

    def wtf_field(self, field):
        return EmailField(field.label, self.chain(field))
