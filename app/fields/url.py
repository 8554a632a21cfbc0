"""Website: a full URL."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import URLField
from wtforms.validators import URL, Length

from app.fields.base import FieldType
from app.fields.registry import register


@register
class UrlType(FieldType):
    name = "url"
    label = lazy_gettext("Website (URL)")
    answer_schema = {"type": "string", "description": "a full URL, or \"\" when left empty"}

    def autocomplete(self, field):
        return "url"

    def validators(self, field):
        return [URL(message=_("enter a valid URL")), Length(max=2000)]

    def wtf_field(self, field):
        return URLField(field.label, self.chain(field))
