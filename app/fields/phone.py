"""Phone: a real number for the workspace's region (or in international form), stored in E.164.

`0813-9999-8888` in a workspace reading numbers as Indonesian is stored as `+6281399998888`;
what the visitor typed is kept beside it (FieldType.typed) for the submission's meta.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import TelField
from wtforms.validators import ValidationError

from app.core import phones
from app.fields.base import FieldType
from app.fields.registry import register


def form_region(form):
    """The region the submission form reads numbers in (its Meta's phone_region), else the setting's."""
    return phones.region_for(getattr(form.meta, "phone_region", None))


def valid_number(form, wtf_field):
    """Refuse what is not a number of the region or an international one; keep its E.164 form."""
    if not wtf_field.data:
        return
    region = form_region(form)
    number = phones.e164(wtf_field.data, region)
    if number is None:
        raise ValidationError(_(
            "enter a valid phone number, such as %(example)s or one starting with + and the country code",
            example=phones.example(region),
        ))
    wtf_field.e164 = number


@register
class PhoneType(FieldType):
    name = "phone"
    label = lazy_gettext("Phone")
    answer_schema = {"type": "string", "description": "E.164 (`+6281399998888`), or \"\" when left empty"}

    def autocomplete(self, field):
        return "tel"

    def validators(self, field):
        return [valid_number]  # a text longer than any number is no number: the same message

    def wtf_field(self, field):
        return TelField(field.label, self.chain(field))

    def answer(self, wtf_field):
        # e164 is set by valid_number; an answer never validated (a step skipped back over) is kept as typed
        return getattr(wtf_field, "e164", None) or self.clean(wtf_field.data)

    def sample_answer(self, field):
        return phones.e164(phones.example())

    def typed(self, wtf_field):
        raw = (wtf_field.data or "").strip()
        return raw if raw and raw != self.answer(wtf_field) else None
