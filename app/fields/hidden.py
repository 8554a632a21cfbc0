"""Hidden: not shown; carries its default, overridable from the page URL's query."""

from flask_babel import lazy_gettext
from wtforms import HiddenField
from wtforms.validators import Length, Optional

from app.fields.base import FieldType, storable
from app.fields.registry import register


@register
class HiddenType(FieldType):
    name = "hidden"
    label = lazy_gettext("Hidden (from URL or default)")
    visible = False
    filled_from_url = True

    def chain(self, field):
        # never required: the visitor cannot see it to fill it in
        return [storable, Optional(), Length(max=2000)]

    def wtf_field(self, field):
        return HiddenField(field.label, self.chain(field))
