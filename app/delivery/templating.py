"""Sandboxed {{ name }} templates, escaped for where the value lands."""

import difflib
import json
import re
from functools import lru_cache
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

CONTEXTS = ("url", "json", "xml", "header", "text")
KNOWN_ROOTS = {"form", "submission", "meta", "event"}
META_NAMES = (
    "referrer", "user_agent", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
)


class TemplateError(ValueError):
    """A template that cannot be saved: bad syntax or an unsafe expression."""


def as_text(value):
    """A value as template text: lists joined by ", ", None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(as_text(item) for item in value)
    return str(value)


# characters XML 1.0 cannot carry at all, even escaped
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# CR, LF and every other control character would split or corrupt a header line
_HEADER_ILLEGAL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def _escape_json(value):
    return json.dumps(as_text(value), ensure_ascii=False)[1:-1]


def escape_header(value):
    """A header value with CR, LF and other control characters removed."""
    return _HEADER_ILLEGAL.sub("", as_text(value))


def escape_xml(value):
    """Text safe in XML content and quoted attributes; CR and LF survive the parser's normalising."""
    text = _XML_ILLEGAL.sub("", as_text(value))
    return xml_escape(text, {'"': "&quot;", "'": "&apos;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"})


_ESCAPERS = {
    "url": lambda value: quote(as_text(value), safe=""),
    "json": _escape_json,
    "xml": escape_xml,
    "header": escape_header,
    "text": as_text,
}


class _StrictSandbox(SandboxedEnvironment):
    """The sandbox, plus a refusal of every underscore name, not only dunders."""

    def is_safe_attribute(self, obj, attr, value):
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)


def _make_env(context):
    # finalize runs on every {{ expression }} output, never on the template's literal text.
    return _StrictSandbox(autoescape=False, finalize=_ESCAPERS[context], keep_trailing_newline=True)


_ENVS = {context: _make_env(context) for context in CONTEXTS}


def _unsafe_attributes(ast):
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(name, str) and name.startswith("_"):
            yield name


# What a template may contain: names, constants, safe filters and tests, if. No calls, no loops and
# no arithmetic, so no template can run code or blow up in time or memory ('x' * 10**9, 9**9**9).
ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Const,
    nodes.Filter, nodes.Test, nodes.If, nodes.CondExpr, nodes.Compare, nodes.Operand, nodes.Not,
    nodes.And, nodes.Or, nodes.Concat, nodes.List, nodes.Tuple, nodes.Keyword, nodes.Slice,
)
ALLOWED_FILTERS = {
    "default", "d", "lower", "upper", "trim", "title", "capitalize", "join", "first", "last", "length", "count",
    "striptags", "urlencode", "string", "int", "float", "round", "abs", "escape", "e", "truncate",
    "wordcount", "list", "sort", "unique", "reverse", "tojson",
}
ALLOWED_TESTS = {
    "defined", "undefined", "none", "number", "string", "equalto", "eq", "ne", "in", "sameas", "odd", "even",
    "lower", "upper", "boolean", "true", "false", "iterable", "mapping", "sequence", "divisibleby",
}


def _refuse_unsupported(ast):
    for node in ast.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            raise TemplateError(f"templates support names, filters and if; not {type(node).__name__.lower()}")
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise TemplateError(f"the filter '{node.name}' is not available in templates")
        if isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            raise TemplateError(f"the test '{node.name}' is not available in templates")


def check_template(source, field_keys=()):
    """Validate a template for saving; return warnings about unknown names.

    Raises TemplateError for a syntax error or any reach into Python internals.
    """
    if not source:
        return []
    env = _ENVS["text"]
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error on line {exc.lineno}: {exc.message}") from exc
    unsafe = sorted(set(_unsafe_attributes(ast)))
    if unsafe:
        raise TemplateError(f"template may not use private attributes: {', '.join(unsafe)}")
    _refuse_unsupported(ast)
    known = set(field_keys) | KNOWN_ROOTS
    unknown = sorted(set(meta.find_undeclared_variables(ast)) - known)
    try:
        render(source, sample_context(field_keys), "text")
    except SecurityError as exc:
        raise TemplateError(f"template refused by the sandbox: {exc}") from exc
    except Exception as exc:  # any other runtime error in a user's template is a 422, not a 500
        raise TemplateError(f"template cannot be rendered: {exc}") from exc
    return [_unknown_name_warning(name, known) for name in unknown]


def near_match(name, known):
    """The known name a typo or an old key most likely meant: close in spelling, or a longer key it starts."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
    if close:
        return close[0]
    longer = sorted(key for key in known if key.startswith(name + "_") or name.startswith(key + "_"))
    return longer[0] if len(longer) == 1 else None


def _unknown_name_warning(name, known):
    """'unknown name 'campain' renders as empty (did you mean campaign?)'."""
    near = near_match(name, known)
    hint = f" (did you mean {near}?)" if near else ""
    return f"unknown name '{name}' renders as empty{hint}"


def lex_tokens(source):
    """Yield (token type, text) of source as the template engine reads it; TemplateError on bad syntax."""
    try:
        for _lineno, kind, value in _ENVS["text"].lex(source):
            yield kind, value
    except TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error on line {exc.lineno}: {exc.message}") from exc


@lru_cache(maxsize=4096)
def _compiled(source, where):
    # compiling is most of a render's cost, and a webhook's templates change only when it is edited
    return _ENVS[where].from_string(source)


def render(source, context, where):
    """Render source with context, escaping every inserted value for `where`."""
    if not source:
        return ""
    return _compiled(source, where).render(context)


def build_context(*, form, submission, event):
    """The names a template sees: field keys, form.*, submission.*, meta.*, event."""
    answers = dict(submission.get("answers") or {})
    meta_values = {name: "" for name in META_NAMES}
    meta_values.update(submission.get("meta") or {})
    context = dict(answers)
    context.update(
        form={"id": form["id"], "name": form["name"]},
        submission={"id": submission.get("id"), "created_at": submission.get("created_at")},
        meta=meta_values,
        event=event,
    )
    return context


def sample_context(field_keys=()):
    """A context with placeholder values, for checking and previewing templates."""
    return build_context(
        form={"id": "frm_sample", "name": "Sample form"},
        submission={
            "id": "sub_sample", "created_at": "2026-01-01T00:00:00+00:00",
            "answers": {key: f"sample {key}" for key in field_keys}, "meta": {},
        },
        event="webhook.test",
    )
