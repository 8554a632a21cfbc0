"""Webhook conditions: all/any rules on a submission's answers."""

from collections.abc import Mapping

from flask_babel import gettext as _

from app.fields import UnknownFieldType, field_type
from app.fields.base import ALL_OPERATORS

OPERATORS = ALL_OPERATORS  # each field type says which of them apply to its answers
VALUELESS = ("empty", "not_empty")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _number(value):
    try:
        return float(_text(value))
    except ValueError:
        return None


def _rule_holds(rule, answers):
    actual = answers.get(rule.get("field"))
    expected = _text(rule.get("value"))
    op = rule.get("op")
    if op == "empty":
        return _text(actual).strip() == ""
    if op == "not_empty":
        return _text(actual).strip() != ""
    if op in ("equals", "not_equals"):
        if isinstance(actual, list):
            same = expected in [str(item) for item in actual]
        else:
            same = _text(actual).casefold() == expected.casefold()
        return same if op == "equals" else not same
    if op in ("contains", "not_contains"):
        found = expected.casefold() in _text(actual).casefold()
        return found if op == "contains" else not found
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        return False
    return left > right if op == "gt" else left < right


def matches(conditions, answers):
    """True when the submission's answers satisfy the webhook's conditions (or there are none)."""
    if not conditions or not conditions.get("rules"):
        return True
    results = (_rule_holds(rule, answers) for rule in conditions["rules"])
    return any(results) if conditions.get("match") == "any" else all(results)


def _describe(rule):
    if rule.get("op") in VALUELESS:
        return f"{rule.get('field')} {rule.get('op')}"
    return f"{rule.get('field')} {rule.get('op')} {_text(rule.get('value'))!r}"


def mismatch_reason(conditions, answers):
    """Why a submission does not match the conditions, in words (None when it matches)."""
    if matches(conditions, answers):
        return None
    rules = conditions["rules"]
    if conditions.get("match") == "any":
        return "conditions did not match: none of " + "; ".join(_describe(rule) for rule in rules)
    failed = [_describe(rule) for rule in rules if not _rule_holds(rule, answers)]
    return "conditions did not match: not " + "; not ".join(failed)


def _operators_for(field_types, key):
    """The operators a rule on field key may use (every one when its type is not known)."""
    if not isinstance(field_types, Mapping):
        return OPERATORS
    try:
        return field_type(field_types[key]).operators
    except (KeyError, UnknownFieldType):
        return OPERATORS


def validate(conditions, field_keys):
    """Return {path: message} problems in a conditions object (empty when valid).

    field_keys may map each key to its type name (Form.field_types()): then an operator that
    does not apply to a field's type (gt on a date) is refused too.
    """
    if conditions is None:
        return {}
    if not isinstance(conditions, dict):
        return {"conditions": _("must be an object with 'match' and 'rules'")}
    problems = {}
    if conditions.get("match", "all") not in ("all", "any"):
        problems["conditions.match"] = _("must be 'all' or 'any'")
    rules = conditions.get("rules", [])
    if not isinstance(rules, list):
        return {**problems, "conditions.rules": _("must be a list")}
    for index, rule in enumerate(rules):
        where = f"conditions.rules[{index}]"
        if not isinstance(rule, dict):
            problems[where] = _("must be an object")
            continue
        if rule.get("field") not in field_keys:
            problems[f"{where}.field"] = _("must be one of the form's field keys")
        if rule.get("op") not in OPERATORS:
            problems[f"{where}.op"] = _("must be one of %(choices)s", choices=", ".join(OPERATORS))
        elif rule["op"] not in _operators_for(field_keys, rule.get("field")):
            allowed = _operators_for(field_keys, rule.get("field"))
            problems[f"{where}.op"] = _("does not apply to this field's type; use one of %(choices)s",
                                        choices=", ".join(allowed))
        elif rule["op"] not in VALUELESS and not isinstance(rule.get("value"), str | int | float):
            problems[f"{where}.value"] = _("is required for this operator")
    return problems
