"""Form pieces every blueprint shares."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change things."""
