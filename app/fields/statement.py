"""Statement: text shown between the questions (its label, links allowed); it takes no answer."""

from flask_babel import lazy_gettext

from app.fields.base import FieldType
from app.fields.links import links_problem
from app.fields.registry import register


@register
class StatementType(FieldType):
    name = "statement"
    label = lazy_gettext("Statement (text, no answer)")
    takes_answer = False
    operators = ()

    def check_settings(self, clean, path):
        return links_problem(clean["label"], f"{path}.label")
