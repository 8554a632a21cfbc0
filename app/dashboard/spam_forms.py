"""WTForms for spam protection: a form's checks, and the workspace's block lists."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from app.spam.captchas import PROVIDERS
from app.spam.settings import MAX_LINKS_LIMIT, MAX_MIN_SECONDS

MAX_KEY_LENGTH = 200


class SpamSettingsForm(FlaskForm):
    challenge = BooleanField(lazy_gettext("Proof-of-work challenge (ALTCHA): the visitor's browser solves a puzzle"))
    min_seconds = IntegerField(
        lazy_gettext("Fastest believable time, in seconds (0 turns this check off)"),
        validators=[NumberRange(0, MAX_MIN_SECONDS)], default=3,
    )
    check_links = BooleanField(lazy_gettext("Hold submissions with too many links"))
    max_links = IntegerField(
        lazy_gettext("Most links allowed in the answers"), validators=[Optional(), NumberRange(0, MAX_LINKS_LIMIT)],
        default=3,
    )
    duplicates = BooleanField(lazy_gettext("Hold the same answers sent again within minutes"))
    blocklist = BooleanField(lazy_gettext("Hold submissions matching the workspace's block lists"))
    captcha = SelectField(lazy_gettext("Third-party captcha"), choices=[])
    captcha_site_key = StringField(lazy_gettext("Captcha site key"), validators=[Optional()])
    captcha_secret = PasswordField(
        lazy_gettext("Captcha secret key"), validators=[Optional()],
        description=lazy_gettext("Leave empty to keep the saved secret."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.captcha.choices = [("", lazy_gettext("None"))] + [(p.name, p.label) for p in PROVIDERS.values()]


class BlocklistForm(FlaskForm):
    enabled = BooleanField(lazy_gettext("Use the block lists"))
    emails = TextAreaField(lazy_gettext("Email addresses, one a line"))
    domains = TextAreaField(lazy_gettext("Email domains, one a line (a domain also blocks its subdomains)"))
    addresses = TextAreaField(lazy_gettext("IP addresses or networks (CIDR), one a line"))
