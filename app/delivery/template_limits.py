"""How big a template may be and how much it may render: checked before compiling, counted while rendering."""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _
from jinja2 import TemplateSyntaxError

DEFAULT_MAX_OUTPUT = 1024 * 1024
DEFAULT_MAX_SOURCE = 64 * 1024
DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_TOKENS = 2000
# a render may process this many times its output cap (characters read by filters, joins and
# concatenations), so its CPU time is bounded too, not only its result
WORK_FACTOR = 16
# walking a list costs far more per item than a string operation per character
ITEM_COST = 64
OPENERS, CLOSERS = {"lparen", "lbracket", "lbrace"}, {"rparen", "rbracket", "rbrace"}
# block tags with a body, each one parser level deeper (only if is allowed, but all are measured)
NESTING_TAGS = {"if", "for", "macro", "call", "filter", "block", "with", "autoescape"}


class TemplateError(ValueError):
    """A template that cannot be saved or rendered: bad syntax, an unsafe expression, a limit passed."""

    field = None  # which of a webhook's settings it comes from (url, headers.<name>, body_template)
    reason = None  # the message without the field's name, for a page that shows the field already


class TemplateTooLarge(TemplateError):
    """A render that would pass its output or work limit; it stops there, nothing is sent."""


@dataclass(frozen=True)
class Limits:
    """TEMPLATE_MAX_OUTPUT bytes rendered; TEMPLATE_MAX_SOURCE characters, TEMPLATE_MAX_TOKENS tokens
    and TEMPLATE_MAX_DEPTH levels of nesting in the source."""

    max_output: int = DEFAULT_MAX_OUTPUT
    max_source: int = DEFAULT_MAX_SOURCE
    max_depth: int = DEFAULT_MAX_DEPTH
    max_tokens: int = DEFAULT_MAX_TOKENS


def current_limits():
    """The app's limits, or the defaults outside an app (plain-function use and tests)."""
    if not has_app_context():
        return Limits()
    config = current_app.config
    return Limits(
        config.get("TEMPLATE_MAX_OUTPUT", DEFAULT_MAX_OUTPUT),
        config.get("TEMPLATE_MAX_SOURCE", DEFAULT_MAX_SOURCE),
        config.get("TEMPLATE_MAX_DEPTH", DEFAULT_MAX_DEPTH),
        config.get("TEMPLATE_MAX_TOKENS", DEFAULT_MAX_TOKENS),
    )


def too_deep(limits):
    return TemplateError(_(
        "is nested too deeply: at most %(depth)s levels of brackets, if blocks, filters and operators"
        " (TEMPLATE_MAX_DEPTH)", depth=limits.max_depth,
    ))


def check_source(env, source, limits):
    """Refuse, before parsing, a source that is too long, has too many tokens (compiling costs about
    a millisecond per hundred) or whose brackets or blocks nest too deeply (the parser recurses
    once per level). The lexer is iterative, so this is linear in the source.
    """
    if len(source) > limits.max_source:
        raise TemplateError(_(
            "is too long: %(length)s characters, at most %(limit)s (TEMPLATE_MAX_SOURCE)",
            length=f"{len(source):,}", limit=f"{limits.max_source:,}",
        ))
    brackets = blocks = tokens = 0
    after_block_start = False
    for kind, value in _tokens(env, source):
        tokens += 1
        if tokens > limits.max_tokens:
            raise TemplateError(_(
                "is too complex: more than %(limit)s names, operators and brackets inside {{ }} and"
                " {%% %%} (TEMPLATE_MAX_TOKENS)", limit=f"{limits.max_tokens:,}",
            ))
        if kind in OPENERS:
            brackets += 1
        elif kind in CLOSERS:
            brackets = max(brackets - 1, 0)
        elif after_block_start and kind == "name" and value in NESTING_TAGS:
            blocks += 1
        elif after_block_start and kind == "name" and value.startswith("end"):
            blocks = max(blocks - 1, 0)
        after_block_start = kind == "block_begin"
        if brackets + blocks > limits.max_depth:
            raise too_deep(limits)


def _tokens(env, source):
    """(type, value) of each token inside {{ }} and {% %}, up to the first syntax error."""
    try:
        for token in env.lexer.tokenize(source):
            if token.type not in ("data", "eof"):
                yield token.type, token.value
    except (TemplateSyntaxError, ValueError):
        return  # the parser names the error, with its line


def check_depth(ast, limits):
    """Refuse a parsed template nested deeper than the limit; iterative, so any depth is measured safely.

    Compiling and rendering recurse once per level (a chain of 20,000 filters is 20,000 levels).
    """
    stack = [(ast, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_depth:
            raise too_deep(limits)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())


def output_too_large(limit):
    return TemplateTooLarge(_(
        "renders more than %(limit)s bytes, the most one template may produce (TEMPLATE_MAX_OUTPUT)",
        limit=f"{limit:,}",
    ))


class Budget:
    """What one render may still produce and process; every bounded filter draws on it."""

    def __init__(self, limits):
        self.max_output = limits.max_output
        self.work_left = limits.max_output * WORK_FACTOR

    def check_size(self, size):
        """Refuse a value of size characters (or items) before or after it is built."""
        if size > self.max_output:
            raise output_too_large(self.max_output)

    def spend(self, characters, items=0):
        """Count the work of reading characters of text and items of lists; refuse a render that does too much."""
        self.work_left -= characters + items * ITEM_COST
        if self.work_left < 0:
            raise TemplateTooLarge(_(
                "does too much work: it processes more than %(limit)s characters (%(factor)s times"
                " TEMPLATE_MAX_OUTPUT)", limit=f"{self.max_output * WORK_FACTOR:,}", factor=WORK_FACTOR,
            ))


# the budget of the render running in this thread or task; the defaults when Jinja folds
# constants at compile time, outside any render
_current = contextvars.ContextVar("template_budget", default=None)


def budget():
    return _current.get() or Budget(Limits())


@contextmanager
def naming(field, label):
    """Inside this block, a TemplateError says which of the webhook's templates it comes from."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - also a template failing on these answers (a division by zero)
        kind = type(exc) if isinstance(exc, TemplateError) else TemplateError
        reason = str(exc) if isinstance(exc, TemplateError) else _("cannot be rendered: %(error)s", error=exc)
        named = kind(f"{label}: {reason}")
        named.field, named.reason = field, reason
        raise named from exc


@contextmanager
def rendering(limits):
    """Give the render inside this block a fresh budget."""
    token = _current.set(Budget(limits))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
