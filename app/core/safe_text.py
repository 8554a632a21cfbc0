"""Untrusted text and JSON checked at intake: what no page, export or delivery can carry is refused.

A NUL or an unpaired surrogate stored in an answer used to break every page, CSV and webhook that
showed it (UnicodeEncodeError, PostgreSQL refuses NUL); JSON nested thousands deep ran the
recursion out; `1e999` became Infinity, which is not JSON. Every way in (public posts, API
bodies) goes through here.
"""

import json
import math
import re

from flask_babel import gettext as _

MAX_JSON_DEPTH = 32
# an integer literal longer than this stays text, so the field it was sent for refuses it by name
# (Python refuses to convert 4,300+ digits, and no answer or setting needs 100)
MAX_INTEGER_DIGITS = 100
NUL = "\x00"
SURROGATE = re.compile("[\ud800-\udfff]")


class JsonRefused(ValueError):
    """The body is not JSON we read: malformed, or nested too deeply."""


def unstorable_reason(text):
    """Why text cannot be stored as it is, or None."""
    if NUL in text:
        return _("may not contain NUL characters")
    if SURROGATE.search(text):
        return _("contains an unpaired surrogate, which is not valid Unicode text")
    return None


def storable(text):
    """text with NULs dropped and unpaired surrogates replaced, for values we keep but nobody typed."""
    return SURROGATE.sub("\ufffd", text.replace(NUL, ""))


def _refuse_constant(name):
    raise JsonRefused(_("%(name)s is not JSON", name=name))


def _integer(literal):
    digits = literal.lstrip("-")
    return int(literal) if len(digits) <= MAX_INTEGER_DIGITS else literal


def _depth(value):
    """How deeply value nests, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def too_deep_message():
    return _("the JSON body is nested too deeply (at most %(depth)d levels)", depth=MAX_JSON_DEPTH)


def parse_json(raw):
    """Parse an untrusted JSON body; JsonRefused when malformed or deeper than MAX_JSON_DEPTH."""
    try:
        data = json.loads(raw, parse_constant=_refuse_constant, parse_int=_integer)
    except RecursionError as exc:
        raise JsonRefused(too_deep_message()) from exc
    except ValueError as exc:  # UnicodeDecodeError is one
        raise JsonRefused(str(exc)) from exc
    if _depth(data) > MAX_JSON_DEPTH:
        raise JsonRefused(too_deep_message())
    return data


def json_problems(value, path=""):
    """Yield (path, message) for the values in parsed JSON that cannot be stored."""
    if isinstance(value, str):
        reason = unstorable_reason(value)
        if reason:
            yield path or "body", reason
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield path or "body", _("must be a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = unstorable_reason(key)
            if reason:
                yield path or "body", _("a key %(reason)s", reason=reason)
                continue
            yield from json_problems(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_problems(item, f"{path}[{index}]")
