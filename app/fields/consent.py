"""Consent: one checkbox that must be ticked when required; its label may link to the terms. Stored true/false."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import BooleanField
from wtforms.validators import Optional, StopValidation

from app.fields.base import FieldType
from app.fields.links import links_problem
from app.fields.registry import register


def ticked(_form, wtf_field):
    if not wtf_field.data:
        raise StopValidation(_("tick this box to continue"))


@register
class ConsentType(FieldType):
    name = "consent"
    label = lazy_gettext("Consent (checkbox)")
    answer_schema = {"type": "boolean", "description": "consent: whether the box was ticked"}
    operators = ("equals", "not_equals")

    def check_settings(self, clean, path):
        return links_problem(clean["label"], f"{path}.label")

    def chain(self, field):
        return [ticked] if field.required else [Optional()]

    def wtf_field(self, field):
        return BooleanField(field.label, self.chain(field))

    def initial(self, field):
        return (field.default or "").strip().lower() in ("true", "yes", "y", "1", "on")

    def clean(self, value):
        return bool(value)

    def csv_value(self, value):
        return _("yes") if value is True else _("no") if value is False else ""
