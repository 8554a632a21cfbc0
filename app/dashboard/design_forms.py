"""WTForms classes of the Design tab and the workspace's default theme.

They only collect what was typed: every value is then checked by the same rules as the API
(app/api/form_rules_input.py, app/design/themes.py), so the dashboard cannot store what the API refuses.
"""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.fields import ColorField, IntegerRangeField
from wtforms.validators import Optional
from wtforms.widgets import DateTimeLocalInput

from app.core.forms import TranslatedForm
from app.design.themes import DEFAULT_THEME, MAX_RADIUS, THEME_KEYS, font_choices, mode_choices

OWN_THEME = "own"
WORKSPACE_THEME = "workspace"


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


class ThemeForm(TranslatedForm):
    """The five theme settings; the choices are the short lists the page may use."""

    accent = ColorField(_l("Accent colour"), default=DEFAULT_THEME["accent"],
                        description=_l("Buttons, the progress bar, stars and the chosen scale number."))
    background = ColorField(_l("Page background"), default=DEFAULT_THEME["background"])
    font = SelectField(_l("Font"), default=DEFAULT_THEME["font"], choices=lambda: _choices(font_choices()),
                       description=_l("Fonts already on the visitor's device: nothing is downloaded."))
    radius = IntegerRangeField(_l("Corner radius"), default=DEFAULT_THEME["radius"],
                               render_kw={"min": 0, "max": MAX_RADIUS, "step": 1})
    mode = RadioField(_l("Mode"), default=DEFAULT_THEME["mode"], choices=lambda: _choices(mode_choices()))

    def theme_data(self):
        """The theme as typed, for the theme checks (a box left empty is sent as such and refused)."""
        return {name: self[name].data for name in THEME_KEYS}

    def fill(self, theme):
        """Show theme in the controls (on a GET, or after a refused save of other settings)."""
        for name in THEME_KEYS:
            self[name].data = theme[name]


class FormDesignForm(ThemeForm):
    description = TextAreaField(
        _l("Description"),
        description=_l("Shown under the title. Markdown: **bold**, *italics*, lists, [links](https://…), ## headings."),
    )
    cover_image_url = StringField(_l("Cover image URL"), description=_l("An https:// image shown across the top."))
    logo_url = StringField(_l("Logo URL"), description=_l("An https:// image shown above the title."))
    theme_source = RadioField(
        _l("Theme"), default=WORKSPACE_THEME,
        choices=[SelectChoice(WORKSPACE_THEME, _l("The workspace's default theme")),
                 SelectChoice(OWN_THEME, _l("This form's own theme"))],
    )


class ClosingRulesForm(TranslatedForm):
    closes_at = StringField(_l("Close at"), widget=DateTimeLocalInput(), validators=[Optional()])
    max_submissions = IntegerField(
        _l("Close after this many submissions"), validators=[Optional()],
        render_kw={"min": 1, "inputmode": "numeric"},
    )
    closed_message = TextAreaField(
        _l("Closed message"),
        description=_l("What visitors read once the form is closed. Left empty, they read our short notice."),
    )
