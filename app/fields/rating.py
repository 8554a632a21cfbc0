"""Rating: 1 to `max` stars (5 unless the owner says), stored as an integer."""

from flask_babel import lazy_gettext, ngettext

from app.fields.ranges import RangeType
from app.fields.registry import register


@register
class RatingType(RangeType):
    name = "rating"
    label = lazy_gettext("Rating (stars)")
    settings_schema = {"max": {
        "type": "integer", "minimum": 2, "maximum": 10, "default": 5,
        "description": "scale and rating: the highest number (rating: the number of stars, 2 to 10)",
    }}

    def bounds(self, settings):
        return 1, settings["max"]

    def choice_label(self, number):
        return ngettext("%(num)d star", "%(num)d stars", number)
