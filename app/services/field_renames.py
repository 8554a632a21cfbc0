"""Where a field key is used by the form's webhooks, and renaming it there in the same save.

A template names a field as a Jinja name token (`{{ campaign }}`, `{% if campaign %}`); attribute
names (`form.name`) and strings (`"campaign"`) are not uses. Renaming rewrites only those tokens,
leaving every other character of the template exactly as the user typed it.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.extensions import db
from app.core.redaction import redact
from app.delivery import templating
from app.models import Webhook
from app.services.webhooks import save_webhook


class CannotRewrite(ValueError):
    """A template whose tokens do not map back onto its text (it is left for the user to edit)."""


@dataclass
class Usage:
    """One webhook that uses a key, and where: 'URL', 'header X-Campaign', 'body', 'conditions'."""

    webhook: Webhook
    places: list = field(default_factory=list)

    @property
    def label(self):
        return webhook_label(self.webhook)


def webhook_label(webhook):
    """A short name for a webhook in messages: its name when it has one, else its host."""
    name = getattr(webhook, "name", None)
    if name:
        return name
    return urlsplit(redact(webhook.url or "")).netloc or webhook.id


def _spans(source):
    """Yield (start, end, type, value, previous significant token, next significant token) of each token."""
    tokens = list(templating.lex_tokens(source))
    significant = [i for i, (kind, _value) in enumerate(tokens) if kind != "whitespace"]
    neighbours = {}
    for position, index in enumerate(significant):
        before = tokens[significant[position - 1]] if position else None
        after = tokens[significant[position + 1]] if position + 1 < len(significant) else None
        neighbours[index] = (before, after)
    cursor = 0
    for index, (kind, value) in enumerate(tokens):
        start = cursor
        for char in value:
            # the lexer turns \r\n and \r into \n: step over the original newline, whatever it was
            if char == "\n" and source.startswith("\r\n", cursor):
                cursor += 2
            elif char == "\n" and source.startswith("\r", cursor):
                cursor += 1
            elif source.startswith(char, cursor):
                cursor += 1
            else:
                raise CannotRewrite(source)
        yield start, cursor, kind, value, *neighbours.get(index, (None, None))


def _is_use(kind, value, before, after, key):
    if kind != "name" or value != key:
        return False
    if before == ("operator", "."):
        return False  # form.campaign is an attribute, not the field
    return after != ("operator", "=")  # truncate(length=5) is a keyword argument


def template_uses(source, key):
    """True when the template names the field key."""
    if not source or key not in source:
        return False
    try:
        return any(_is_use(kind, value, before, after, key) for _s, _e, kind, value, before, after in _spans(source))
    except templating.TemplateError:
        return False  # a template that does not parse uses nothing (it could not have been saved)


def rename_in_template(source, old, new):
    """source with every use of the name old replaced by new; nothing else changes."""
    if not template_uses(source, old):
        return source
    pieces, cursor = [], 0
    for start, end, kind, value, before, after in _spans(source):
        if _is_use(kind, value, before, after, old):
            pieces.append(source[cursor:start])
            pieces.append(new)
            cursor = end
    pieces.append(source[cursor:])
    return "".join(pieces)


def _webhooks_of(form):
    return db.session.scalars(
        select(Webhook).where(Webhook.form_id == form.id, Webhook.workspace_id == form.workspace_id)
        .order_by(Webhook.created_at)
    ).all()


def _places(webhook, key):
    places = []
    if template_uses(webhook.url, key):
        places.append(_("URL"))
    for name, value in (webhook.headers or {}).items():
        if template_uses(value, key):
            places.append(_("header %(name)s", name=name))
    if template_uses(webhook.body_template, key):
        places.append(_("body"))
    if any(rule.get("field") == key for rule in (webhook.conditions or {}).get("rules") or []):
        places.append(_("conditions"))
    return places


def _usages(webhooks, key):
    return [Usage(webhook, places) for webhook in webhooks if (places := _places(webhook, key))]


def uses_of(form, key):
    """Every webhook of form whose URL, headers, body or conditions use key."""
    return _usages(_webhooks_of(form), key)


def uses_by_key(form):
    """{field key: [Usage]} for every key of form that a webhook uses (the builder's delete confirmations)."""
    webhooks = _webhooks_of(form)
    return {key: usages for key in form.field_keys() if (usages := _usages(webhooks, key))}


def describe(usages):
    """'crm.example (URL, body); hooks.slack.com (conditions)'."""
    return "; ".join(f"{usage.label} ({', '.join(usage.places)})" for usage in usages)


def _renamed_conditions(conditions, old, new):
    if not conditions:
        return conditions
    rules = [{**rule, "field": new} if rule.get("field") == old else rule for rule in conditions.get("rules") or []]
    return {**conditions, "rules": rules}


def check_rewritable(usages, old):
    """The usages whose templates cannot be rewritten automatically (normally none)."""
    stuck = []
    for usage in usages:
        webhook = usage.webhook
        sources = [webhook.url, webhook.body_template, *(webhook.headers or {}).values()]
        try:
            for source in sources:
                rename_in_template(source, old, "x")
        except CannotRewrite:
            stuck.append(usage)
    return stuck


def rename_in_webhooks(usages, old, new, user):
    """Rewrite old to new in each using webhook's templates and conditions, audited; the caller commits."""
    for usage in usages:
        webhook = usage.webhook
        save_webhook(webhook.form, {
            "url": rename_in_template(webhook.url, old, new),
            "headers": {name: rename_in_template(value, old, new) for name, value in (webhook.headers or {}).items()},
            "body_template": rename_in_template(webhook.body_template, old, new),
            "conditions": _renamed_conditions(webhook.conditions, old, new),
        }, webhook, user=user)
