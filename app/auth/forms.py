"""Sign-up and log-in forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.auth.emails import AccountEmail
from app.auth.passwords import PASSWORD_MIN_LENGTH, password_problem


class PasswordPolicy:
    """WTForms validator: the password policy, with the form's email (or the given one) as context."""

    def __init__(self, email_field="email"):
        self.email_field = email_field

    def __call__(self, form, field):
        email_field = getattr(form, self.email_field, None)
        email = email_field.data if email_field is not None else getattr(form, "account_email", "")
        problem = password_problem(field.data, email)
        if problem:
            raise ValidationError(problem)


class SignupForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), AccountEmail()])
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=200, message="use at least 8 characters"),
            PasswordPolicy(),
        ],
    )
    workspace = StringField("Workspace name", validators=[Optional(), Length(max=120)])
    # filled by static/timezone.js from the browser; an unknown or missing zone means UTC
    timezone = HiddenField(validators=[Optional(), Length(max=64)])


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), AccountEmail()])
    password = PasswordField("Password", validators=[DataRequired()])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), AccountEmail()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), Length(max=200), PasswordPolicy()])
    confirm = PasswordField("Repeat the new password", validators=[EqualTo("password", "the passwords differ")])

    def __init__(self, account_email, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email
