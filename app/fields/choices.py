"""What the choice types (select, radio, checkbox) share: the owner's options, and answers among them."""

from flask_babel import gettext as _
from wtforms import SelectChoice
from wtforms.validators import ValidationError

from app.fields.base import FieldType


def one_of(options):
    """A validator: every chosen value is one of options."""

    def check(_form, wtf_field):
        values = wtf_field.data if isinstance(wtf_field.data, list) else [wtf_field.data]
        if any(value not in options for value in values if value):
            raise ValidationError(_("choose one of the listed options"))

    return check


class ChoiceType(FieldType):
    """A field whose answer is one of the owner's options."""

    has_options = True
    choice_field = None  # the WTForms field class

    def default_choices(self, default):
        """The options a default names (one, for a single choice)."""
        return [default.strip()]

    def check_settings(self, clean, path):
        if not clean["options"]:
            return {f"{path}.options": _("a choice field needs at least one option")}
        if clean["default"] and not set(self.default_choices(clean["default"])) <= set(clean["options"]):
            return {f"{path}.default": _("must be one of the options")}
        return {}

    def choices(self, field):
        return [SelectChoice(option) for option in field.options or []]

    def validators(self, field):
        return [one_of(list(field.options or []))]

    def wtf_field(self, field):
        return self.choice_field(
            field.label, self.chain(field), choices=self.choices(field), validate_choice=False,
        )
