"""The filters a template may use, each bounded, and the rule that only data renders.

Every filter reads only data and its result is measured against the render's budget
(template_limits.Budget): no filter, join or ~ can build a value past TEMPLATE_MAX_OUTPUT, and
the ones whose result can grow faster than their input (join with any separator, tojson's
indent, round's precision) are checked before they build anything.
"""

import itertools
import json
from collections.abc import Iterator
from functools import wraps

from flask_babel import gettext as _
from jinja2 import Undefined
from jinja2.filters import FILTERS, make_attrgetter, pass_eval_context

from app.core import phones
from app.delivery.template_limits import TemplateError, budget

SCALARS = (str, int, float, bool, type(None), Undefined)
MAX_ROUND_PRECISION = 20
MAX_JSON_INDENT = 16
MAX_TRIM_CHARACTERS = 64


def measure(value):
    """(is it data, characters, items): strings, numbers, booleans, None and lists/dicts of those are data.

    Walked without recursion; characters counts the text, items every value met.
    """
    characters, items, stack = 0, 0, [value]
    while stack:
        item = stack.pop()
        items += 1
        if isinstance(item, str):
            characters += len(item)
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif not isinstance(item, SCALARS):
            return False, characters, items
    return True, characters, items


def only_data(value):
    """The value when it is data, else undefined (which renders as empty): no object renders its repr."""
    is_data, characters, items = measure(value)
    budget().spend(characters, items)
    return value if is_data else Undefined()


def bounded(filter_function):
    """filter_function reading only data, its result materialised and measured."""
    # Jinja passes the environment or eval context first to the filters that ask for it
    leading = 1 if hasattr(filter_function, "jinja_pass_arg") else 0

    @wraps(filter_function)  # keeps jinja_pass_arg
    def run(*args, **kwargs):
        args = args[:leading] + tuple(only_data(arg) for arg in args[leading:])
        kwargs = {name: only_data(value) for name, value in kwargs.items()}
        result = filter_function(*args, **kwargs)
        current = budget()
        if isinstance(result, Iterator):  # reverse and unique give iterators, which render as reprs
            result = list(itertools.islice(result, current.max_output + 1))
        is_data, characters, items = measure(result)
        current.check_size(characters + items)
        current.spend(characters, items)
        return result if is_data else Undefined()

    return run


def concat(items):
    """The ~ operator: its parts as text, refused before joining when the whole would pass the cap."""
    parts = [str(only_data(item)) for item in items]
    total = sum(map(len, parts))
    budget().check_size(total)
    return "".join(parts)


@pass_eval_context
def join(eval_ctx, value, d="", attribute=None):
    """Jinja's join, refused before joining when items plus separators would pass the cap."""
    current = budget()
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    # a string joins its characters, so a 10,000-character answer is 10,000 items
    items = list(itertools.islice(value, current.max_output + 1))
    current.check_size(len(items))
    parts = [str(only_data(item)) for item in items]
    separator = str(d)
    total = sum(map(len, parts)) + len(separator) * max(len(parts) - 1, 0)
    current.check_size(total)
    current.spend(total, len(parts))
    return separator.join(parts)


def round_number(value, precision=0, method="common"):
    """Jinja's round; a ceil or floor with precision p computes 10**p, so p is kept small."""
    if isinstance(precision, bool) or not isinstance(precision, int) or abs(precision) > MAX_ROUND_PRECISION:
        raise TemplateError(_("round takes a precision from -%(most)s to %(most)s", most=MAX_ROUND_PRECISION))
    return FILTERS["round"](value, precision, method)


def trim(value, chars=None):
    """Jinja's trim; a long set of characters would make stripping quadratic."""
    if chars is not None and len(str(chars)) > MAX_TRIM_CHARACTERS:
        raise TemplateError(_("trim takes at most %(most)s characters to remove", most=MAX_TRIM_CHARACTERS))
    return FILTERS["trim"](value, chars)


def json_dumps(value, **kwargs):
    """json.dumps for tojson, encoded piece by piece and stopped at the cap; the indent kept small."""
    indent = kwargs.get("indent")
    if indent is not None and (len(indent) if isinstance(indent, str) else indent) > MAX_JSON_INDENT:
        raise TemplateError(_("tojson takes an indent of at most %(most)s", most=MAX_JSON_INDENT))
    current = budget()
    chunks, size = [], 0
    for chunk in json.JSONEncoder(**kwargs).iterencode(value):
        size += len(chunk)
        current.check_size(size)
        chunks.append(chunk)
    current.spend(size)
    return "".join(chunks)


def _phone_region(region):
    if region is not None and phones.clean_region(region) is None:
        raise TemplateError(_("%(region)s is not a region code such as ID or MY", region=str(region)[:8]))
    return region


def _phone_text(convert, value, region):
    region = _phone_region(region)
    if not isinstance(value, str | int) or isinstance(value, bool) or value == "":
        return ""
    return convert(str(value), region) or ""


def e164(value, region=None):
    """`{{ phone | e164 }}`: the number in E.164 (`+6281399998888`), empty when it is none.

    A number without a country code is read in region, else the DEFAULT_PHONE_REGION setting
    (phone answers are stored in E.164 already; this is for numbers from elsewhere).
    """
    return _phone_text(phones.e164, value, region)


def wa(value, region=None):
    """`{{ phone | wa }}`: the number's digits with the country code (`6281399998888`), as wa.me and
    WhatsApp's Cloud API want it; empty when it is no number."""
    return _phone_text(phones.wa_digits, value, region)


REPLACED = {"join": join, "round": round_number, "trim": trim}
OWN_FILTERS = {"e164": e164, "wa": wa}


def bounded_filters(names):
    """{name: bounded filter} for every allowed filter name."""
    return {name: bounded(OWN_FILTERS.get(name) or REPLACED.get(name) or FILTERS[name]) for name in names}
