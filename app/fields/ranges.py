"""What rating and scale share: a whole number from a range the owner sets, picked from buttons."""

from flask_babel import gettext as _
from wtforms import RadioField, SelectChoice
from wtforms.validators import ValidationError

from app.fields.base import FieldType


def whole_number(text):
    """The int in text, or None when it is not one."""
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def within(low, high):
    """A validator: the answer is a whole number from low to high."""

    def check(_form, wtf_field):
        if wtf_field.data in (None, ""):
            return
        number = whole_number(wtf_field.data)
        if number is None or not low <= number <= high:
            raise ValidationError(_("choose a number from %(low)d to %(high)d", low=low, high=high))

    return check


class RangeType(FieldType):
    """An integer answer between the bounds bounds(field) returns."""

    answer_schema = {"type": ["integer", "string"], "description": "a whole number in the field's range, "
                                                                   "or \"\" when left empty"}

    def bounds(self, settings):
        """(lowest, highest) answer for these settings."""
        raise NotImplementedError

    def choice_label(self, number):
        return str(number)

    def check_settings(self, clean, path):
        low, high = self.bounds(clean["settings"])
        if clean["default"] is not None and within_bounds(clean["default"], low, high) is None:
            return {f"{path}.default": _("must be a number from %(low)d to %(high)d", low=low, high=high)}
        return {}

    def validators(self, field):
        return [within(*self.bounds(self.settings_of(field)))]

    def wtf_field(self, field):
        low, high = self.bounds(self.settings_of(field))
        choices = [SelectChoice(str(number), self.choice_label(number)) for number in range(low, high + 1)]
        return RadioField(field.label, self.chain(field), choices=choices, validate_choice=False)

    def clean(self, value):
        number = whole_number(value) if value not in (None, "") else None
        return "" if number is None else number


def within_bounds(text, low, high):
    number = whole_number(text)
    return number if number is not None and low <= number <= high else None
