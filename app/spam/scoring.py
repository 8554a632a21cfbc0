"""The verdict on one post: every reason it looks like spam (an empty list: accepted)."""

import hmac
import time

from flask import current_app

from app.core.extensions import db
from app.models import Workspace
from app.spam import blocklist, captchas, challenge, signals, stamps
from app.spam.settings import spam_settings

TOKEN_HEADER = "Formhook-Form-Token"


def has_form_token(form, request):
    """The post carries the form's own token (a server of the owner's): no check applies."""
    sent = request.headers.get(TOKEN_HEADER, "")
    return bool(form.spam_token and sent) and hmac.compare_digest(sent.encode(), form.spam_token.encode())


def judge(form, request, formdata, answers, json_client):
    """Every reason this post is spam. JSON clients cannot run a challenge: cheap signals only."""
    if not current_app.config["SPAM_PROTECTION"] or has_form_token(form, request):
        return []
    settings = spam_settings(form)
    reasons = []
    shown_at = None
    if not json_client:
        shown_at = stamps.shown_at(formdata.get(stamps.FIELD_NAME), form.public_id)
        if settings.challenge:
            verdict = challenge.verify(formdata.get(challenge.FIELD_NAME), form.public_id)
            reasons.append(None if verdict.ok else signals.reason(verdict.reason))
            # the plain-HTML snippet has no stamp: its challenge was fetched when its page loaded
            shown_at = shown_at if shown_at is not None else verdict.issued_at
        provider = captchas.provider_for(settings)
        if provider is not None:
            token = formdata.get(provider.response_field)
            reasons.append(captchas.verify(provider, form.captcha_secret, token, request.remote_addr))
    reasons.append(signals.too_fast(shown_at, time.time(), settings.min_seconds))
    reasons.append(signals.too_many_links(answers, settings.max_links))
    if settings.blocklist:
        lists = blocklist.blocklist_of(db.session.get(Workspace, form.workspace_id))
        reasons.append(blocklist.blocked(lists, _emails(form, answers), request.remote_addr))
    # last: it remembers these answers, for the next post to be compared with
    if settings.duplicates:
        reasons.append(signals.duplicate(form.id, answers))
    return [entry for entry in reasons if entry is not None]


def not_stored(form, answers, reasons):
    """The post judged with reasons was refused after all (closed, over quota, database away)."""
    if spam_settings(form).duplicates and not any(entry["code"] == "duplicate" for entry in reasons):
        signals.forget(form.id, answers)


def _emails(form, answers):
    keys = [field.key for field in form.fields if field.type == "email"]
    return [answers[key] for key in keys if isinstance(answers.get(key), str)]
