"""Short text: one line, up to 10,000 characters."""

from flask_babel import lazy_gettext

from app.fields.base import FieldType
from app.fields.registry import register


@register
class TextType(FieldType):
    name = "text"
    label = lazy_gettext("Short text")
