"""Short text: one line, up to 10,000 characters."""

from flask_babel import lazy_gettext

from app.fields.base import FieldType
from app.fields.registry import register

# keys a person's name goes under, and the autocomplete token browsers fill them from
NAME_KEYS = {
    "name": "name", "full_name": "name", "your_name": "name", "nama": "name", "nama_lengkap": "name",
    "first_name": "given-name", "given_name": "given-name", "firstname": "given-name", "nama_depan": "given-name",
    "last_name": "family-name", "family_name": "family-name", "surname": "family-name", "lastname": "family-name",
    "nama_belakang": "family-name",
}


@register
class TextType(FieldType):
    name = "text"
    label = lazy_gettext("Short text")

    def autocomplete(self, field):
        return NAME_KEYS.get(field.key)
