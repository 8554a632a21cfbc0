"""Scale: a number from `min` to `max` (0 to 10 unless the owner says, as NPS asks), stored as an integer."""

from flask_babel import lazy_gettext

from app.fields.ranges import RangeType
from app.fields.registry import register


@register
class ScaleType(RangeType):
    name = "scale"
    label = lazy_gettext("Scale (0–10, NPS)")
    # min 0 or 1 and max at least 2: the range is never empty
    settings_schema = {
        "min": {"type": "integer", "minimum": 0, "maximum": 1, "default": 0,
                "description": "scale: the lowest number (0 or 1)"},
        "max": {"type": "integer", "minimum": 2, "maximum": 10, "default": 10,
                "description": "scale and rating: the highest number (rating: the number of stars, 2 to 10)"},
    }

    def bounds(self, settings):
        return settings["min"], settings["max"]
