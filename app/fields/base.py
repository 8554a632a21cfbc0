"""What every field type says about itself; the built-in types subclass FieldType."""

from flask_babel import gettext as _
from wtforms import StringField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from app.core.safe_text import unstorable_reason

MAX_TEXT = 10_000
ALL_OPERATORS = ("equals", "not_equals", "contains", "not_contains", "empty", "not_empty", "gt", "lt")


def storable(_form, wtf_field):
    """Refuse text no page, export or delivery can carry (NUL, unpaired surrogates)."""
    for raw in wtf_field.raw_data or ():
        reason = unstorable_reason(raw) if isinstance(raw, str) else None
        if reason:
            raise StopValidation(reason)


def presence(field):
    """Required or optional, in the words a visitor reads."""
    if field.required:
        return [InputRequired(message=_("this field is required"))]
    return [Optional()]


def setting_problem(schema, value):
    """What is wrong with value for a setting's schema (boolean, or integer with bounds); None when fine."""
    if schema["type"] == "boolean":
        return None if isinstance(value, bool) else _("must be true or false")
    if isinstance(value, bool) or not isinstance(value, int):
        return _("must be a whole number")
    if not schema["minimum"] <= value <= schema["maximum"]:
        return _("must be between %(low)d and %(high)d", low=schema["minimum"], high=schema["maximum"])
    return None


class FieldType:
    """One kind of form field: its settings, its input, its answer, its page, its cell, its schema.

    A subclass sets `name` and overrides what differs from a one-line text answer; registering
    it (app.fields.register) is all the rest of the app needs.
    """

    name = "text"
    label = "Short text"  # shown in the builder's type picker (translated when shown)
    takes_answer = True  # False for content such as a statement or a page break
    visible = True  # shown to the visitor (hidden fields are not)
    filled_from_url = False  # takes its default, or the page URL's query value of its key
    has_options = False  # the owner lists options (select, radio, checkbox)
    starts_page = False  # a page break: the fields after it are the next step
    # the owner's settings of this type, {name: JSON Schema with a default} (rating's max …);
    # the API reads and writes them as field properties, stored in Field.settings
    settings_schema = {}
    operators = ALL_OPERATORS  # the webhook condition operators that make sense on its answer
    answer_schema = {"type": "string"}  # JSON Schema of its value in `answers`

    @property
    def shown_in_table(self):
        """A column in the submissions table: the visitor sees it and answers it."""
        return self.visible and self.takes_answer

    @property
    def partial(self):
        """The Jinja partial that renders it on the hosted page and in the HTML snippet."""
        return f"public/fields/{self.name}.html"

    def autocomplete(self, field):
        """The HTML autocomplete token that lets browsers fill its answer (None: leave it to the browser)."""
        return None

    def read_settings(self, item, path):
        """Return (settings, {path: message}) from a field definition, defaults filled in."""
        settings, problems = {}, {}
        for name, schema in self.settings_schema.items():
            value = item.get(name)
            if value is None or value == "":
                settings[name] = schema["default"]
                continue
            problem = setting_problem(schema, value)
            if problem:
                problems[f"{path}.{name}"] = problem
            settings[name] = value if not problem else schema["default"]
        return settings, problems

    def settings_of(self, field):
        """The field's settings with defaults for what it does not say (NULL before settings existed)."""
        stored = field.settings or {}
        return {name: stored.get(name, schema["default"]) for name, schema in self.settings_schema.items()}

    def check_settings(self, clean, path):
        """Return {path: message} problems with the owner's options/default/placeholder (none by default)."""
        return {}

    def validators(self, field):
        """Validators for its answer after the presence check."""
        return [Length(max=MAX_TEXT)]

    def wtf_field(self, field):
        """The unbound WTForms field that reads and checks the answer."""
        return StringField(field.label, self.chain(field))

    def chain(self, field):
        """Storable text first, then presence, then the type's own checks."""
        return [storable, *presence(field), *self.validators(field)]

    def initial(self, field):
        """The owner's default as the value the WTForms field expects (None when it cannot be one)."""
        return field.default

    def answer(self, wtf_field):
        """The stored answer of a bound WTForms field (a choice's Other… reads its text box too)."""
        return self.clean(wtf_field.data)

    def sample_answer(self, field):
        """The answer a webhook.test event carries for field (`sample name`)."""
        return f"sample {field.key}"

    def typed(self, wtf_field):
        """What the visitor typed when the stored answer is a normalised form of it (a phone number), else None."""
        return None

    def clean(self, value):
        """The WTForms data as the stored, JSON-friendly answer."""
        return "" if value is None else value

    def csv_value(self, value):
        """The answer as the text of one CSV cell (formula escaping is the exporter's)."""
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        return "" if value is None else str(value)
