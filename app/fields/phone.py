"""Phone: digits with the usual separators, an optional leading +."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import TelField
from wtforms.validators import Regexp

from app.fields.base import FieldType
from app.fields.registry import register

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,24}$")


@register
class PhoneType(FieldType):
    name = "phone"
    label = lazy_gettext("Phone")

    def autocomplete(self, field):
        return "tel"

    def validators(self, field):
        return [Regexp(PHONE_RE, message=_("enter a valid phone number"))]

    def wtf_field(self, field):
        return TelField(field.label, self.chain(field))
