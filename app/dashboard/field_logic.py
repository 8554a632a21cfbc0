"""The builder's side of field settings and logic: the rule rows of the field editor, and rules in words."""

from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import Form as PlainForm
from wtforms import SelectChoice, SelectField, StringField

from app.dashboard import bp
from app.fields import field_type
from app.services.forms import answer_types

RULE_ROWS = 2
# what each operator reads as in "Show when Campaign is Webinar"
OPERATOR_WORDS = {
    "equals": lazy_gettext("is"),
    "not_equals": lazy_gettext("is not"),
    "contains": lazy_gettext("contains"),
    "not_contains": lazy_gettext("does not contain"),
    "empty": lazy_gettext("is empty"),
    "not_empty": lazy_gettext("is answered"),
    "gt": lazy_gettext("is more than"),
    "lt": lazy_gettext("is less than"),
}
VALUELESS = ("empty", "not_empty")


class RuleForm(PlainForm):
    """One rule row: a field above, an operator, a value (choices of the field are set per form)."""

    field = SelectField(lazy_gettext("Field"), choices=[], validate_choice=False)
    op = SelectField(lazy_gettext("Condition"), default="equals",
                     choices=[SelectChoice(op, words) for op, words in OPERATOR_WORDS.items()])
    value = StringField(lazy_gettext("Value"))


def offer_fields(field_form, fields_above):
    """Let the rule rows pick among the answer-taking fields above the edited one."""
    above = answer_types(fields_above)
    labels = {field.key: field.label for field in fields_above}
    choices = [SelectChoice("", _("— no rule —"))] + [SelectChoice(key, labels[key]) for key in above]
    for row in field_form.rules:
        row.field.choices = choices
    return field_form


def initial_rules(field):
    """The FieldForm keyword arguments that show a saved field's settings and rule."""
    rule = field.visible_if or {}
    rows = [SimpleNamespace(field=item["field"], op=item["op"], value=str(item.get("value", "")))
            for item in rule.get("rules", [])]
    return {"logic_match": rule.get("match", "all"), "rules": rows, **field_type(field.type).settings_of(field)}


def visible_if_from(field_form):
    """The visible_if a posted editor describes (None when no row names a field)."""
    rules = []
    for row in field_form.rules:
        if not row.field.data:
            continue
        rule = {"field": row.field.data, "op": row.op.data}
        if row.op.data not in VALUELESS:
            rule["value"] = row.value.data or ""
        rules.append(rule)
    return {"match": field_form.logic_match.data or "all", "rules": rules} if rules else None


def in_words(rule, labels):
    """'Show when Campaign is Webinar' (and/or between rules), or None for a field always shown."""
    if not rule or not rule.get("rules"):
        return None
    parts = []
    for item in rule["rules"]:
        words = {"field": labels.get(item["field"], item["field"]), "op": OPERATOR_WORDS[item["op"]]}
        if item["op"] in VALUELESS:
            parts.append(_("%(field)s %(op)s", **words))
        else:
            parts.append(_("%(field)s %(op)s %(value)s", value=item.get("value", ""), **words))
    joiner = _(" or ") if rule.get("match") == "any" else _(" and ")
    return _("Show when %(rules)s", rules=joiner.join(parts))


@bp.app_template_global()
def logic_in_words(field, form):
    """A field's visible_if in words, for the builder's field list."""
    return in_words(field.visible_if, {item.key: item.label for item in form.fields})
