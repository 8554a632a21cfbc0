"""Long text: several lines, up to 10,000 characters."""

from flask_babel import lazy_gettext
from wtforms import TextAreaField

from app.fields.base import FieldType
from app.fields.registry import register


@register
class TextareaType(FieldType):
    name = "textarea"
    label = lazy_gettext("Long text")

    def wtf_field(self, field):
        return TextAreaField(field.label, self.chain(field))
