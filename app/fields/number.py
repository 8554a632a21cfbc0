"""Number: a finite decimal of sensible size, stored as a JSON number."""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import DecimalField
from wtforms.validators import ValidationError

from app.fields.base import FieldType
from app.fields.registry import register

# beyond these a float loses the number or JSON cannot hold it (1e999 became Infinity)
MAX_MAGNITUDE = Decimal(10) ** 15
MAX_DECIMALS = 15
SAFE_INTEGER = 2**53


def sensible_number(_form, wtf_field):
    """Refuse NaN, infinities and numbers too large or too fine to store exactly enough."""
    value = wtf_field.data
    if value is None:
        return
    if not value.is_finite():
        raise ValidationError(_("enter a number"))
    if abs(value) >= MAX_MAGNITUDE or value.as_tuple().exponent < -MAX_DECIMALS:
        raise ValidationError(_(
            "enter a number below 10^%(power)d with at most %(decimals)d decimals",
            power=15, decimals=MAX_DECIMALS,
        ))


def parse_number(text):
    """The Decimal in text, or None when it is not a number."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < MAX_MAGNITUDE else None


@register
class NumberType(FieldType):
    name = "number"
    label = lazy_gettext("Number")
    answer_schema = {"type": ["number", "string"], "description": "a number, or \"\" when left empty"}

    def check_settings(self, clean, path):
        if clean["default"] is not None and parse_number(clean["default"]) is None:
            return {f"{path}.default": _("must be a number")}
        return {}

    def validators(self, field):
        return [sensible_number]

    def wtf_field(self, field):
        return DecimalField(field.label, self.chain(field), places=None)

    def initial(self, field):
        return parse_number(field.default)

    def clean(self, value):
        if value is None:
            return ""
        if value == value.to_integral_value() and abs(value) < SAFE_INTEGER:
            return int(value)
        return float(value)
