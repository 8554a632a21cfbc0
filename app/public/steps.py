"""Pages and logic of a hosted form: which fields a visitor sees, given the answers above them.

static/form_steps.js mirrors this walk in the browser with the same rules (delivery/conditions);
the server's walk is the one that counts: a field it finds hidden is neither validated nor stored.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from app.delivery.conditions import matches
from app.fields import field_type

VALIDATE_NOTHING = -1


@dataclass
class Page:
    """One step: the fields after a page break (or the form's start) up to the next one."""

    index: int
    title: str | None = None
    break_key: str | None = None
    rule: dict | None = None  # the page break's visible_if
    fields: list = dataclass_field(default_factory=list)


def pages_of(form):
    """The form's pages, in order; a form without page breaks is one page (a leading break titles page 0)."""
    pages = [Page(0)]
    for field in form.fields:
        if not field_type(field.type).starts_page:
            pages[-1].fields.append(field)
            continue
        if pages[-1].fields or pages[-1].break_key:
            pages.append(Page(len(pages)))
        pages[-1].title, pages[-1].break_key, pages[-1].rule = field.label, field.key, field.visible_if
    return pages


@dataclass
class Walk:
    """What the answers decided: who is shown, the answers to store, the first page with an error."""

    pages: list
    answers: dict
    hidden: set  # keys of the fields and page breaks hidden by logic
    shown_pages: list  # indexes of the pages not skipped
    error_page: int | None = None


def walk(form, wtf_form, validate_through=None):
    """Walk the fields in order, deciding each one's visibility from the answers above it.

    The visible answer-taking fields of pages up to validate_through (every page when None) are
    validated; an invalid one adds no answer. Elsewhere answers are taken as they are.
    """
    pages = pages_of(form)
    answers, hidden, shown_pages, error_page = {}, set(), [], None
    for page in pages:
        if not matches(page.rule, answers):
            hidden.update(field.key for field in page.fields)
            hidden.add(page.break_key)
            continue
        shown_pages.append(page.index)
        checked = validate_through is None or page.index <= validate_through
        for field in page.fields:
            kind = field_type(field.type)
            if not matches(field.visible_if, answers):
                hidden.add(field.key)
            elif kind.takes_answer:
                wtf_field = wtf_form[field.key]
                if checked and not wtf_field.validate(wtf_form):
                    error_page = page.index if error_page is None else error_page
                else:
                    answers[field.key] = kind.answer(wtf_field)
    hidden.discard(None)
    return Walk(pages, answers, hidden, shown_pages, error_page)


def neighbour(shown_pages, current, step):
    """The shown page after (step=1) or before (step=-1) current; None past either end."""
    candidates = [index for index in shown_pages if (index > current if step > 0 else index < current)]
    if not candidates:
        return None
    return min(candidates) if step > 0 else max(candidates)


def settled_hidden(result, current):
    """The hidden fields whose rules read only answers the server has (earlier pages, URL-filled fields).

    A rule on an answer of the page being shown is for the browser to apply as the visitor types;
    without JavaScript that field is shown, and the server drops it when the rule says so.
    """
    known = set()
    for page in result.pages:
        for field in page.fields:
            if page.index < current or field_type(field.type).filled_from_url:
                known.add(field.key)
    settled = set()
    for page in result.pages:
        for field in page.fields:
            rules = (field.visible_if or {}).get("rules", [])
            if field.key in result.hidden and all(rule.get("field") in known for rule in rules):
                settled.add(field.key)
    return settled
