"""WTForms' own messages (a date or number it cannot parse) in our words and the page's language."""

from flask_babel import lazy_gettext

# WTForms ships no Indonesian; these are the messages a visitor can meet on a hosted page
OWN_MESSAGES = {
    "Not a valid date value.": lazy_gettext("enter a date"),
    "Not a valid decimal value.": lazy_gettext("enter a number"),
    "Not a valid integer value.": lazy_gettext("enter a whole number"),
    "Not a valid float value.": lazy_gettext("enter a number"),
    "Not a valid choice.": lazy_gettext("choose one of the listed options"),
    "This field is required.": lazy_gettext("this field is required"),
}


class Translations:
    """What WTForms' meta asks for: gettext/ngettext over its own English strings."""

    def gettext(self, string):
        message = OWN_MESSAGES.get(string)
        return str(message) if message is not None else string

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


TRANSLATIONS = Translations()
