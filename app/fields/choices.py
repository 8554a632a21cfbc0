"""What the choice types (select, radio, checkbox) share: the owner's options, and answers among them.

A choice field may offer "Other…": a choice of its own (OTHER) with a text box named `<key>.other`
(a dot no key can hold). A JSON client may instead send the text itself as the answer.
"""

import random

from flask_babel import gettext as _
from wtforms import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import ValidationError

from app.fields.base import FieldType

OTHER = "__other__"
OTHER_SUFFIX = ".other"
MAX_OTHER = 500


def one_of(options, allow_other=False):
    """A validator: every chosen value is one of options (or Other…, with its text, when allowed)."""

    def check(_form, wtf_field):
        values = wtf_field.data if isinstance(wtf_field.data, list) else [wtf_field.data]
        for value in values:
            if not value or value in options:
                continue
            if not allow_other:
                raise ValidationError(_("choose one of the listed options"))
            text = wtf_field.other_text if value == OTHER else value
            if not text:
                raise ValidationError(_("type your answer next to “Other…”"))
            if len(text) > MAX_OTHER:
                raise ValidationError(_("“Other…” may be at most %(max)d characters", max=MAX_OTHER))

    return check


class OtherText:
    """Mixed into a WTForms choice field: it also reads the text box of its Other… choice."""

    other_text = ""

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.other_text = (formdata.get(self.name + OTHER_SUFFIX) or "").strip()


def with_other_text(field_class):
    return type(f"{field_class.__name__}WithOther", (OtherText, field_class), {})


class ChoiceType(FieldType):
    """A field whose answer is one of the owner's options."""

    has_options = True
    choice_field = None  # the WTForms field class
    settings_schema = {
        "allow_other": {"type": "boolean", "default": False,
                        "description": "offer “Other…” with a text box; its text is the answer"},
        "randomize": {"type": "boolean", "default": False,
                      "description": "show the options in a new random order to each visitor"},
    }

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
        options = list(field.options or [])
        settings = self.settings_of(field)
        if settings["randomize"]:
            random.shuffle(options)
        choices = [SelectChoice(option) for option in options]
        if settings["allow_other"]:
            # last whatever the order: "Other" reads as the way out of the list
            choices.append(SelectChoice(OTHER, _("Other…")))
        return choices

    def validators(self, field):
        return [one_of(list(field.options or []), self.settings_of(field)["allow_other"])]

    def wtf_field(self, field):
        field_class = self.choice_field
        if self.settings_of(field)["allow_other"]:
            field_class = with_other_text(field_class)
        return field_class(field.label, self.chain(field), choices=self.choices(field), validate_choice=False)

    def answer(self, wtf_field):
        value = self.clean(wtf_field.data)
        other = getattr(wtf_field, "other_text", "")
        if isinstance(value, list):
            return [other if item == OTHER else item for item in value]
        return other if value == OTHER else value
