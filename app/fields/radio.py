"""Single choice: one of the owner's options, as radio buttons."""

from flask_babel import lazy_gettext
from wtforms import RadioField

from app.fields.choices import ChoiceType
from app.fields.registry import register


@register
class RadioType(ChoiceType):
    name = "radio"
    label = lazy_gettext("Single choice (radio)")
    choice_field = RadioField
