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

    def clean(self, value):
        """The WTForms data as the stored, JSON-friendly answer."""
        return "" if value is None else value

    def csv_value(self, value):
        """The answer as the text of one CSV cell (formula escaping is the exporter's)."""
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        return "" if value is None else str(value)
