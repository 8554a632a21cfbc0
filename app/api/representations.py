"""The JSON shapes of CONTRACT.md §4: form, webhook, submission, delivery."""

from app.files.links import with_links
from app.public.look import form_theme
from app.public.snippets import hosted_url, iframe_snippet, script_snippet
from app.services.notification_settings import public_settings


def form_json(form):
    return {
        "id": form.id,
        "public_id": form.public_id,
        "name": form.name,
        "fields": [field.to_dict() for field in form.fields],
        # null: the built-in label ("Submit", "Kirim") in the page's language
        "submit_label": form.submit_label or None,
        "redirect_url": form.redirect_url,
        "enabled": form.enabled,
        "public_url": hosted_url(form),
        "embed": {"script": script_snippet(form), "iframe": iframe_snippet(form)},
        "created_at": form.created_at.isoformat(),
        "thank_you_message": form.thank_you_message,
        "description": form.description,
        "cover_image_url": form.cover_image_url,
        "logo_url": form.logo_url,
        "theme": form_theme(form),
        "closes_at": form.closes_at.isoformat() if form.closes_at else None,
        "max_submissions": form.max_submissions,
        "submission_retention_days": form.submission_retention_days,
        "closed_message": form.closed_message,
        "language": form.language,
        "notifications": public_settings(form) if form.notifications else None,
    }


def webhook_json(webhook, warnings=()):
    data = {
        "id": webhook.id,
        "form_id": webhook.form_id,
        "name": webhook.name,
        "url": webhook.url,
        "method": webhook.method,
        "format": webhook.format,
        "headers": dict(webhook.headers or {}),
        "body_template": webhook.body_template,
        "events": list(webhook.events or ["submission.created"]),
        "conditions": webhook.conditions,
        "enabled": webhook.enabled,
        "attach_files": webhook.attach_files,
        "rate_limit": webhook.rate_limit,
        "disabled_reason": webhook.disabled_reason,
        "secret": webhook.secret,
        "listen_only": bool(webhook.listen_only),
        "created_at": webhook.created_at.isoformat(),
    }
    if warnings:
        data["warnings"] = list(warnings)
    return data


def delivery_json(delivery, with_attempts=False):
    data = delivery.to_dict()
    if with_attempts:
        data["attempts"] = [attempt.to_dict() for attempt in delivery.attempts]
    return data


def submission_json(submission):
    """A submission as the API shows it: file answers carry fresh signed links."""
    data = submission.to_dict()
    data["answers"] = with_links(data["answers"])
    if submission.is_spam:  # an accepted one keeps the contract's four keys
        data["status"] = submission.status
        data["spam_reasons"] = [reason.get("code") for reason in submission.spam_reasons or []]
    return data
