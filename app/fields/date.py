"""Date: a calendar day, stored as YYYY-MM-DD."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import DateField

from app.fields.base import ALL_OPERATORS, FieldType
from app.fields.registry import register


def parse_date(text):
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@register
class DateType(FieldType):
    name = "date"
    label = lazy_gettext("Date")
    answer_schema = {"type": "string", "description": "a date, YYYY-MM-DD, or \"\" when left empty"}
    # gt/lt compare numbers, which a date is not
    operators = tuple(op for op in ALL_OPERATORS if op not in ("gt", "lt"))

    def check_settings(self, clean, path):
        if clean["default"] is not None and parse_date(clean["default"]) is None:
            return {f"{path}.default": _("must be a date written YYYY-MM-DD")}
        return {}

    def validators(self, field):
        return []

    def wtf_field(self, field):
        return DateField(field.label, self.chain(field), format="%Y-%m-%d")

    def initial(self, field):
        return parse_date(field.default)

    def clean(self, value):
        return "" if value is None else value.isoformat()
