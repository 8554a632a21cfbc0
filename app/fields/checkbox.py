"""Multiple choice: any of the owner's options, stored as a list."""

from flask_babel import lazy_gettext
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from app.fields.base import ALL_OPERATORS
from app.fields.choices import ChoiceType
from app.fields.registry import register


class CheckboxesField(SelectMultipleField):
    """Several options, each a checkbox."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def split_default(text):
    return [item.strip() for item in text.split(",") if item.strip()]


@register
class CheckboxType(ChoiceType):
    name = "checkbox"
    label = lazy_gettext("Multiple choice (checkboxes)")
    choice_field = CheckboxesField
    answer_schema = {"type": "array", "items": {"type": "string"}}
    # a list of choices has no order of size
    operators = tuple(op for op in ALL_OPERATORS if op not in ("gt", "lt"))

    def default_choices(self, default):
        return split_default(default)

    def initial(self, field):
        return split_default(field.default)

    def clean(self, value):
        return [] if value is None else value
