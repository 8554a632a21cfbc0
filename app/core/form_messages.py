"""WTForms' own messages in the dashboard, in WTForms' words, translated (WTForms ships no Indonesian).

Hosted pages use their own wording (app.fields.messages); dashboard forms keep WTForms' English.
"""

from flask_babel import lazy_gettext

MESSAGES = {
    "This field is required.": lazy_gettext("This field is required."),
    "Invalid input.": lazy_gettext("Invalid input."),
    "Invalid email address.": lazy_gettext("Invalid email address."),
    "Invalid URL.": lazy_gettext("Invalid URL."),
    "Not a valid choice.": lazy_gettext("Not a valid choice."),
    "Not a valid integer value.": lazy_gettext("Not a valid integer value."),
    "Not a valid decimal value.": lazy_gettext("Not a valid decimal value."),
    "Not a valid float value.": lazy_gettext("Not a valid float value."),
    "Not a valid date value.": lazy_gettext("Not a valid date value."),
    "Not a valid datetime value.": lazy_gettext("Not a valid datetime value."),
    "Not a valid time value.": lazy_gettext("Not a valid time value."),
    "Field must be equal to %(other_name)s.": lazy_gettext("Field must be equal to %(other_name)s."),
    "Number must be at least %(min)s.": lazy_gettext("Number must be at least %(min)s."),
    "Number must be at most %(max)s.": lazy_gettext("Number must be at most %(max)s."),
    "Number must be between %(min)s and %(max)s.": lazy_gettext("Number must be between %(min)s and %(max)s."),
    "Field must be at least %(min)d character long.": lazy_gettext("Field must be at least %(min)d character long."),
    "Field must be at least %(min)d characters long.": lazy_gettext("Field must be at least %(min)d characters long."),
    "Field cannot be longer than %(max)d character.": lazy_gettext("Field cannot be longer than %(max)d character."),
    "Field cannot be longer than %(max)d characters.": lazy_gettext("Field cannot be longer than %(max)d characters."),
    "Field must be exactly %(max)d character long.": lazy_gettext("Field must be exactly %(max)d character long."),
    "Field must be exactly %(max)d characters long.": lazy_gettext("Field must be exactly %(max)d characters long."),
    "Field must be between %(min)d and %(max)d characters long.": lazy_gettext(
        "Field must be between %(min)d and %(max)d characters long."),
    "Invalid CSRF Token.": lazy_gettext("Invalid CSRF Token."),
    "CSRF token missing.": lazy_gettext("CSRF token missing."),
    "CSRF token expired.": lazy_gettext("CSRF token expired."),
}


class Translations:
    """What WTForms' meta asks for: gettext/ngettext over its own English strings."""

    def gettext(self, string):
        message = MESSAGES.get(string)
        return str(message) if message is not None else string

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = Translations()
