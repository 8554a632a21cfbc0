"""WTForms classes for team pages: invite, accept by signing up, switch workspace."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, Length

from app.auth.emails import AccountEmail
from app.auth.forms import PASSWORD_MIN_LENGTH
from app.core.forms import TranslatedForm

ROLE_LABELS = {
    "owner": _l("Owner — everything, including removing admins"),
    "admin": _l("Admin — forms, webhooks and members"),
    "member": _l("Member — forms and webhooks"),
}


class InviteForm(TranslatedForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), AccountEmail()])
    role = SelectField(_l("Role"), default="member")


class AcceptSignupForm(TranslatedForm):
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(),
                    Length(min=PASSWORD_MIN_LENGTH, max=200, message=_l("use at least %(min)d characters"))],
    )


class SwitchWorkspaceForm(TranslatedForm):
    workspace_id = HiddenField(validators=[DataRequired()])
