"""Form pieces every blueprint shares."""

from flask_wtf import FlaskForm

from app.core.form_messages import TRANSLATIONS


class TranslatedForm(FlaskForm):
    """A dashboard form whose WTForms built-in messages speak the page's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return TRANSLATIONS


class ConfirmForm(TranslatedForm):
    """A form with only the CSRF token, for buttons that change things."""
