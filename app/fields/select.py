"""Dropdown: one of the owner's options, or none when not required."""

from flask_babel import lazy_gettext
from wtforms import SelectChoice, SelectField

from app.fields.choices import ChoiceType
from app.fields.registry import register


@register
class SelectType(ChoiceType):
    name = "select"
    label = lazy_gettext("Dropdown")
    choice_field = SelectField

    def choices(self, field):
        blank = [] if field.required else [SelectChoice("", "—")]
        return blank + super().choices(field)
