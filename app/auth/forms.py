"""Sign-up and log-in forms."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from app.auth.emails import AccountEmail
from app.auth.passwords import PASSWORD_MIN_LENGTH, password_problem
from app.core.forms import TranslatedForm


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


class SignupForm(TranslatedForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), AccountEmail()])
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=200, message=_l("use at least %(min)d characters")),
            PasswordPolicy(),
        ],
    )
    workspace = StringField(_l("Workspace name"), validators=[Optional(), Length(max=120)])
    # filled by static/timezone.js from the browser; an unknown or missing zone means UTC
    timezone = HiddenField(validators=[Optional(), Length(max=64)])


class LoginForm(TranslatedForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), AccountEmail()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ForgotPasswordForm(TranslatedForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), AccountEmail()])


class ResetPasswordForm(TranslatedForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200), PasswordPolicy()])
    confirm = PasswordField(_l("Repeat the new password"), validators=[EqualTo("password", _l("the passwords differ"))])

    def __init__(self, account_email, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email
