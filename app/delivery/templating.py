"""Sandboxed {{ name }} templates, escaped for where the value lands, bounded in size and depth."""

import difflib
import json
import re
from functools import lru_cache
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from flask_babel import gettext as _
from jinja2 import TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from app.delivery import template_filters
from app.delivery.template_limits import (  # noqa: F401 - TemplateTooLarge, naming: this module's interface
    TemplateError,
    TemplateTooLarge,
    check_depth,
    check_source,
    current_limits,
    naming,
    rendering,
    too_deep,
)
from app.files.links import is_file_answer

CONTEXTS = ("url", "json", "xml", "header", "text")
KNOWN_ROOTS = {"form", "submission", "meta", "event"}
META_NAMES = (
    "referrer", "user_agent", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
)
# the keys a dot may read on the built-in names (meta's keys vary with what the visitor sent)
BUILT_IN_KEYS = {"form": {"id", "name"}, "submission": {"id", "created_at"}}
# what a dot reads on a file field's answer ({{ cv.url }}, {{ cv.name }})
FILE_KEYS = {"url", "name", "size", "content_type", "id", "files", "count"}


def as_text(value):
    """A value as template text: lists joined by ", ", None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(as_text(item) for item in value)
    if isinstance(value, dict) and "url" in value:  # a file (or a file answer): its link
        return as_text(value["url"])
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


class UnsafeTemplate(TemplateError, SecurityError):
    """A template reaching for Python internals: refused at save, and never compiled to run."""


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's compiler, with ~ going through the bounded concatenation."""

    def visit_Concat(self, node, frame):
        self.write("environment.bounded_concat((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class _DataSandbox(SandboxedEnvironment):
    """The sandbox where only data renders: no globals, and a dot or brackets read a key or an index.

    `form.items` or `email.upper` is undefined (renders as empty), never a bound method's repr;
    any underscore name is refused, not only dunders.
    """

    code_generator_class = _BoundedCodeGenerator
    bounded_concat = staticmethod(template_filters.concat)

    def getattr(self, obj, attribute):
        return self.getitem(obj, attribute)

    def getitem(self, obj, argument):
        if isinstance(argument, str) and argument.startswith("_"):
            return self.unsafe_undefined(obj, argument)
        try:
            if isinstance(obj, dict):
                value = obj[argument]
            elif isinstance(obj, str | list | tuple) and isinstance(argument, int | slice):
                value = obj[argument]
            else:
                raise LookupError(argument)
        except (LookupError, TypeError, ValueError):
            return self.undefined(obj=obj, name=argument)
        return template_filters.only_data(value)


def _finalizer(escape):
    def finalize(value):
        text = escape(template_filters.only_data(value))
        template_filters.budget().check_size(len(text))
        return text

    return finalize


def _make_env(context):
    # finalize runs on every {{ expression }} output, never on the template's literal text.
    env = _DataSandbox(autoescape=False, finalize=_finalizer(_ESCAPERS[context]), keep_trailing_newline=True)
    env.globals.clear()  # range, lipsum, cycler, joiner, namespace, dict: code, not data
    env.filters = template_filters.bounded_filters(ALLOWED_FILTERS)
    env.policies["json.dumps_function"] = template_filters.json_dumps
    return env


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
    "wordcount", "list", "sort", "unique", "reverse", "tojson", "e164", "wa",
}
ALLOWED_TESTS = {
    "defined", "undefined", "none", "number", "string", "equalto", "eq", "ne", "in", "sameas", "odd", "even",
    "lower", "upper", "boolean", "true", "false", "iterable", "mapping", "sequence", "divisibleby",
}


def _refuse_unsupported(ast):
    for node in ast.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES):
            raise TemplateError(_("templates support names, filters and if; not %(construct)s",
                                  construct=type(node).__name__.lower()))
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            raise TemplateError(_("the filter '%(name)s' is not available in templates", name=node.name))
        if isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            raise TemplateError(_("the test '%(name)s' is not available in templates", name=node.name))


_ENVS = {context: _make_env(context) for context in CONTEXTS}


def parse(source, where="text", limits=None):
    """The checked syntax tree of source: within the size and depth limits, safe nodes only.

    The limits are checked before anything recursive runs, so no template can crash the parser
    or the compiler; a RecursionError that gets through anyway (limits raised by the operator)
    is still a TemplateError.
    """
    limits = limits or current_limits()
    env = _ENVS[where]
    check_source(env, source, limits)
    try:
        ast = env.parse(source)
        check_depth(ast, limits)
        unsafe = sorted(set(_unsafe_attributes(ast)))
        if unsafe:
            raise UnsafeTemplate(_("template may not use private attributes: %(names)s", names=", ".join(unsafe)))
        _refuse_unsupported(ast)
    except TemplateSyntaxError as exc:
        raise TemplateError(_("template syntax error on line %(line)s: %(problem)s",
                                line=exc.lineno, problem=exc.message)) from exc
    except RecursionError as exc:
        raise too_deep(limits) from exc
    except TemplateError:
        raise
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise TemplateError(_("template cannot be read: %(problem)s", problem=exc)) from exc
    return ast


def _empty_lookups(ast, field_keys, file_keys=frozenset()):
    """Dotted names that read no data, such as form.items or email.format: they render as empty."""
    for node in ast.find_all(nodes.Getattr):
        if not isinstance(node.node, nodes.Name):
            continue
        root = node.node.name
        if root in file_keys:
            if node.attr not in FILE_KEYS:
                yield f"{root}.{node.attr}"
        elif root in field_keys or root == "event" or node.attr not in BUILT_IN_KEYS.get(root, {node.attr}):
            yield f"{root}.{node.attr}"


def check_template(source, field_keys=()):
    """Validate a template for saving; return warnings about unknown names.

    Raises TemplateError for a syntax error, a limit passed or any reach into Python internals.
    """
    if not source:
        return []
    limits = current_limits()
    ast = parse(source, limits=limits)
    known = set(field_keys) | KNOWN_ROOTS
    try:
        # with no set, for or macro allowed, every name read comes from the context (cheaper than
        # jinja2.meta, which compiles the template once more)
        unknown = {node.name for node in ast.find_all(nodes.Name)} - known
        unknown |= set(_empty_lookups(ast, set(field_keys), file_keys_of(field_keys)))
    except RecursionError as exc:
        raise too_deep(limits) from exc
    try:
        render(source, sample_context(field_keys), "text")
    except TemplateError:
        raise
    except SecurityError as exc:
        raise TemplateError(_("template refused by the sandbox: %(problem)s", problem=exc)) from exc
    except Exception as exc:  # any other runtime error in a user's template is a 422, not a 500
        raise TemplateError(_("template cannot be rendered: %(problem)s", problem=exc)) from exc
    return [_unknown_name_warning(name, known) for name in sorted(unknown)]


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
    if near:
        return _("unknown name '%(name)s' renders as empty (did you mean %(near)s?)", name=name, near=near)
    return _("unknown name '%(name)s' renders as empty", name=name)


def lex_tokens(source):
    """Yield (token type, text) of source as the template engine reads it; TemplateError on bad syntax."""
    try:
        for _lineno, kind, value in _ENVS["text"].lex(source):
            yield kind, value
    except TemplateSyntaxError as exc:
        raise TemplateError(_("template syntax error on line %(line)s: %(problem)s",
                                line=exc.lineno, problem=exc.message)) from exc


@lru_cache(maxsize=4096)
def _compiled(source, where, limits):
    # compiling is most of a render's cost, and a webhook's templates change only when it is edited;
    # the checks run here too, so a template stored before a limit existed is held to it as well
    env = _ENVS[where]
    ast = parse(source, where, limits)
    try:
        return env.template_class.from_code(env, env.compile(ast), env.make_globals(None), None)
    except RecursionError as exc:
        raise too_deep(limits) from exc


def _utf8_size(text):
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def render(source, context, where):
    """Render source with context, escaping every inserted value for `where`.

    The output is counted while it is produced and every filter draws on the same budget, so a
    render stops (TemplateTooLarge) as soon as it would pass TEMPLATE_MAX_OUTPUT bytes.
    """
    if not source:
        return ""
    limits = current_limits()
    template = _compiled(source, where, limits)
    pieces, size = [], 0
    try:
        with rendering(limits) as budget:
            for piece in template.generate(context):
                size += _utf8_size(piece)
                budget.check_size(size)
                pieces.append(piece)
    except RecursionError as exc:
        raise too_deep(limits) from exc
    return "".join(pieces)


def file_keys_of(field_keys):
    """The keys of file fields, when field_keys maps keys to type names (Form.field_types())."""
    return {key for key, kind in field_keys.items() if kind == "file"} if isinstance(field_keys, dict) else set()


def file_answer(files):
    """A file answer as templates read it: {{ cv }} and {{ cv.url }} are the links, {{ cv.name }} the names."""
    def joined(name):
        return ", ".join(as_text(item.get(name)) for item in files)

    return {
        "url": joined("url"), "name": joined("name"), "content_type": joined("content_type"), "id": joined("id"),
        "size": sum(item.get("size") or 0 for item in files), "count": len(files), "files": list(files),
    }


def build_context(*, form, submission, event):
    """The names a template sees: field keys, form.*, submission.*, meta.*, event."""
    answers = {
        key: file_answer(value) if is_file_answer(value) else value
        for key, value in (submission.get("answers") or {}).items()
    }
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
            "answers": {key: _sample_answer(key, field_keys) for key in field_keys}, "meta": {},
        },
        event="webhook.test",
    )


def _sample_answer(key, field_keys):
    if key in file_keys_of(field_keys):
        return [{"id": "fil_sample", "name": f"{key}.pdf", "size": 1024, "content_type": "application/pdf",
                 "url": f"https://formhook.example/files/sample/{key}.pdf"}]
    return f"sample {key}"
