"""A WTForms class built for each customer form, fresh per request."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    Form,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, Email, InputRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

MAX_TEXT = 10_000
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,24}$")


class CheckboxesField(SelectMultipleField):
    """Several options, each a checkbox."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _presence(field):
    if field.required:
        return [InputRequired(message="this field is required")]
    return [Optional()]


def _one_of(options):
    def check(_form, wtf_field):
        values = wtf_field.data if isinstance(wtf_field.data, list) else [wtf_field.data]
        if any(value not in options for value in values if value):
            raise ValidationError("choose one of the listed options")

    return check


def _finite(_form, wtf_field):
    if wtf_field.data is not None and not wtf_field.data.is_finite():
        raise ValidationError("enter a number")


def _wtf_field(field):
    label = field.label
    validators = _presence(field)
    kind = field.type
    options = list(field.options or [])
    choices = [SelectChoice(option) for option in options]
    if kind == "email":
        email = Email(message="enter a valid email address", check_deliverability=False)
        return EmailField(label, validators + [email, Length(max=254)])
    if kind == "number":
        return DecimalField(label, validators + [_finite], places=None)
    if kind == "textarea":
        return TextAreaField(label, validators + [Length(max=MAX_TEXT)])
    if kind == "select":
        blank = [] if field.required else [SelectChoice("", "—")]
        return SelectField(label, validators + [_one_of(options)], choices=blank + choices, validate_choice=False)
    if kind == "radio":
        return RadioField(label, validators + [_one_of(options)], choices=choices, validate_choice=False)
    if kind == "checkbox":
        return CheckboxesField(label, validators + [_one_of(options)], choices=choices, validate_choice=False)
    if kind == "date":
        return DateField(label, validators, format="%Y-%m-%d")
    if kind == "phone":
        return TelField(label, validators + [Regexp(PHONE_RE, message="enter a valid phone number")])
    if kind == "url":
        return URLField(label, validators + [URL(message="enter a valid URL"), Length(max=2000)])
    if kind == "hidden":
        return HiddenField(label, [Optional(), Length(max=2000)], default=field.default)
    return StringField(label, validators + [Length(max=MAX_TEXT)])


def _initial(field):
    """The field's default as the value its WTForms field expects (None when it cannot be one)."""
    text = field.default.strip()
    try:
        if field.type == "number":
            return Decimal(text)
        if field.type == "date":
            return date.fromisoformat(text)
    except (InvalidOperation, ValueError):
        return None
    if field.type == "checkbox":
        return [item.strip() for item in text.split(",") if item.strip()]
    return field.default


def build_submission_form(form):
    """Return a WTForms class with one field per field of form."""

    class SubmissionForm(Form):
        pass

    for field in form.fields:
        unbound = _wtf_field(field)
        if field.default and field.type != "hidden":
            unbound.kwargs["default"] = _initial(field)
        setattr(SubmissionForm, field.key, unbound)
    return SubmissionForm


def clean_answers(form, wtf_form):
    """Answers as JSON-friendly values, keyed by field key."""
    answers = {}
    for field in form.fields:
        value = wtf_form[field.key].data
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is None:
            value = [] if field.type == "checkbox" else ""
        answers[field.key] = value
    return answers
