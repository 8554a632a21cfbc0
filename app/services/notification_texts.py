"""The words of submission mail: the owner's notification, the autoresponse and the digest.

The owner's subject and body templates render in the webhooks' sandbox (text, subject without
line breaks) with every field key plus `all_answers`; a template left empty, or one that no
longer renders, gives the built-in text. Callers choose the language (flask_babel.force_locale).
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.i18n import LANGUAGES
from app.delivery.templating import TemplateError, as_text, render
from app.fields import field_type
from app.files.links import is_file_answer
from app.services.notification_settings import ALL_ANSWERS
from app.services.piping import answer_context

EMPTY_ANSWER = "—"


def owner_language(form):
    """The owners read their mail in the form's language when it is fixed, else in English."""
    return form.language if form.language in LANGUAGES else "en"


def submission_link(form, submission):
    return f"{current_app.config['BASE_URL']}/forms/{form.id}/submissions/{submission.id}"


def _value_text(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if is_file_answer(value):
        return ", ".join(f"{item.get('name')} ({item.get('url')})" for item in value)
    text = as_text(value).strip()
    return text.replace("\n", "\n  ") if text else EMPTY_ANSWER


def answer_lines(form, answers):
    """Every answer by its field's label, one "Label: value" line each, in the form's order."""
    lines = []
    for field in form.fields:
        if field_type(field.type).takes_answer and field.key in answers:
            lines.append(f"{field.label}: {_value_text(answers[field.key])}")
    return "\n".join(lines)


def template_context(form, submission):
    """What a notification template sees: the webhooks' names for this submission, and all_answers."""
    context = answer_context(form, submission.id, submission.answers or {}, submission.meta or {},
                             submission.created_at.isoformat() if submission.created_at else None)
    context.setdefault(ALL_ANSWERS, answer_lines(form, submission.answers or {}))
    return context


def _rendered(source, context, where, fallback):
    if not source:
        return fallback
    try:
        return render(source, context, where)
    except TemplateError:
        return fallback  # saved before a field it used changed: the built-in text still tells


def owner_message(form, submission, settings):
    """(subject, body) of the owners' mail about one submission."""
    context = template_context(form, submission)
    subject = _rendered(settings["subject"], context, "header", _("New submission: %(form)s", form=form.name))
    default_body = _(
        "A new submission to “%(form)s” arrived.\n\n%(answers)s\n\nOpen it in Formhook:\n%(link)s\n",
        form=form.name, answers=context[ALL_ANSWERS], link=submission_link(form, submission),
    )
    return subject, _rendered(settings["body"], context, "text", default_body)


def autoresponse_message(form, submission, autoresponder):
    """(subject, body) of the respondent's confirmation."""
    context = template_context(form, submission)
    subject = _rendered(autoresponder["subject"], context, "header",
                        _("We received your answers: %(form)s", form=form.name))
    default_body = _(
        "Thank you! We received your answers to “%(form)s”.\n\nYour answers:\n%(answers)s\n",
        form=form.name, answers=context[ALL_ANSWERS],
    )
    return subject, _rendered(autoresponder["body"], context, "text", default_body)


def digest_message(form, mails, count, period):
    """(subject, body) of one summary of count held owner mails; mails are the first ones to write out."""
    subject = ngettext("%(num)d new submission to %(form)s", "%(num)d new submissions to %(form)s",
                       count, form=form.name)
    if period == "daily":
        subject = ngettext("Daily summary: %(num)d new submission to %(form)s",
                           "Daily summary: %(num)d new submissions to %(form)s", count, form=form.name)
    elif period == "hourly":
        subject = ngettext("Hourly summary: %(num)d new submission to %(form)s",
                           "Hourly summary: %(num)d new submissions to %(form)s", count, form=form.name)
    separator = "\n\n" + "-" * 40 + "\n\n"
    link = f"{current_app.config['BASE_URL']}/forms/{form.id}/submissions"
    body = _("New submissions to “%(form)s” since the last summary: %(count)d.\nAll of them: %(link)s",
             form=form.name, count=count, link=link)
    body += separator + separator.join(mail.body.strip() for mail in mails)
    if count > len(mails):
        body += separator + _("…and %(count)d more in Formhook.", count=count - len(mails))
    return subject, body + "\n"
