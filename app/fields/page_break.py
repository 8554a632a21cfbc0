"""Page break: starts a new page (a step) whose title is its label; it takes no answer."""

from flask_babel import lazy_gettext

from app.fields.base import FieldType
from app.fields.registry import register


@register
class PageBreakType(FieldType):
    name = "page_break"
    label = lazy_gettext("Page break (new step)")
    takes_answer = False
    starts_page = True
    operators = ()
