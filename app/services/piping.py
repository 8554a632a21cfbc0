"""Answer piping: the thank-you message and the redirect URL as templates of the answers.

They render in the webhooks' sandbox and limits: the thank-you message as text (the page
HTML-escapes it), the redirect URL with every answer URL-encoded. A redirect template may
use answers only after its host, and the rendered URL must still have that host.
"""

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _

from app.core.redirects import external_url
from app.delivery.templating import TemplateError, build_context, check_template, render, sample_context

# a redirect template's scheme and host are literal: no answer can choose where the visitor goes
LITERAL_ORIGIN = re.compile(r"^https?://[^\s/?#{}%]+(?:[/?#]|$)")
MAX_REDIRECT_LENGTH = 8000


def answer_context(form, submission_id, answers, meta, created_at=None):
    """The names a thank-you or redirect template sees: the webhooks' names for this submission."""
    return build_context(
        form={"id": form.id, "name": form.name},
        submission={"id": submission_id, "created_at": created_at, "answers": answers, "meta": meta},
        event="submission.created",
    )


def thank_you_text(form, context):
    """The thank-you message for these answers; a message that cannot render is shown as written."""
    message = form.thank_you_message or _("Thank you! Your answers were received.")
    if "{" not in message:
        return message
    try:
        return render(message, context, "text")
    except TemplateError:
        return message


def redirect_target(form, context):
    """The redirect URL for these answers as it will be sent, or None (thank the visitor instead)."""
    source = form.redirect_url
    if not source:
        return None
    if "{" not in source:
        return external_url(source)
    try:
        rendered = render(source, context, "url")
    except TemplateError:
        return None
    target = external_url(rendered) if len(rendered) <= MAX_REDIRECT_LENGTH else None
    if target is None or urlsplit(target).netloc != urlsplit(external_url(_origin(source)) or "").netloc:
        return None
    return target


def _origin(source):
    match = LITERAL_ORIGIN.match(source)
    return match.group(0).rstrip("/?#") if match else ""


def check_thank_you(source, field_keys):
    """Warnings for a thank-you template; raises TemplateError when it cannot be saved."""
    return check_template(source, field_keys) if source and "{" in source else []


def check_redirect(source, field_keys):
    """Warnings for a redirect URL template; raises TemplateError when it cannot be saved."""
    if not source or "{" not in source:
        return []
    if not LITERAL_ORIGIN.match(source):
        raise TemplateError(_(
            "answers may be used only after the address's host, e.g. %(example)s",
            example="https://shop.example/thanks?plan={{ plan }}",
        ))
    warnings = check_template(source, field_keys)
    sample = render(source, sample_context(field_keys), "url")
    if external_url(sample) is None:
        raise TemplateError(_("enter a full http(s) URL without spaces, line breaks or backslashes"))
    return warnings

