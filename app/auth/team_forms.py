"""WTForms classes for team pages: invite, accept by signing up, switch workspace."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, Length

from app.auth.emails import AccountEmail
from app.auth.forms import PASSWORD_MIN_LENGTH

ROLE_LABELS = {
    "owner": "Owner — everything, including removing admins",
    "admin": "Admin — forms, webhooks and members",
    "member": "Member — forms and webhooks",
}


class InviteForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), AccountEmail()])
    role = SelectField("Role", default="member")


class AcceptSignupForm(FlaskForm):
    password = PasswordField(
        "Choose a password",
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=200, message="use at least 8 characters")],
    )


class SwitchWorkspaceForm(FlaskForm):
    workspace_id = HiddenField(validators=[DataRequired()])
