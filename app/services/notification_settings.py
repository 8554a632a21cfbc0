"""A form's mail settings: who is told of each submission, how, and the respondent's confirmation.

Stored as one JSON object in Form.notifications (NULL: no mail about submissions):

    {"members": [user id…], "emails": [address…], "subject": template, "body": template,
     "digest": "off" | "hourly" | "daily",
     "autoresponder": null | {"field": email field key, "subject": template, "body": template}}

Empty templates mean the built-in texts (notification_texts.py). The dashboard and the API
both save through clean_settings, so both refuse the same things with the same messages.
"""

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.core.extensions import db
from app.delivery.templating import TemplateError, check_template
from app.models import Membership

DIGESTS = ("off", "hourly", "daily")
MAX_EXTRA_EMAILS = 20
MAX_ADDRESS = 254
SUBJECT_MAX = 300
BODY_MAX = 10000
# a template name beside the field keys: every answer, one "Label: value" line each
ALL_ANSWERS = "all_answers"
EMPTY = {"members": [], "emails": [], "subject": "", "body": "", "digest": "off", "autoresponder": None}


class SettingsRefused(ValueError):
    """Settings that cannot be saved; fields maps each setting's path to why."""

    def __init__(self, fields):
        super().__init__(_("some notification settings are not valid"))
        self.fields = fields


def settings_of(form):
    """The form's settings with every key present (the empty settings when none were saved)."""
    saved = form.notifications or {}
    settings = {**EMPTY, **{key: value for key, value in saved.items() if key in EMPTY}}
    autoresponder = settings["autoresponder"]
    settings["autoresponder"] = {"subject": "", "body": "", **autoresponder} if autoresponder else None
    return settings


def notify_creator(user_id):
    """A new dashboard form's settings: its creator is mailed about each submission."""
    return {**EMPTY, "members": [user_id]}


def owners_told(settings):
    """Whether anyone is mailed about each submission."""
    return bool(settings["members"] or settings["emails"])


def email_field_keys(form):
    """The keys of the form's email fields: where a respondent's address can come from."""
    return [field.key for field in form.fields if field.type == "email"]


def template_names(form):
    """The names the notification templates may use: the webhooks' names and the list of answers."""
    return {**form.field_types(), ALL_ANSWERS: "text"}


def member_choices(workspace_id):
    """(user id, email) of every member of the workspace, by email."""
    memberships = db.session.scalars(db.select(Membership).where(Membership.workspace_id == workspace_id)).all()
    return sorted(((m.user_id, m.user.email) for m in memberships), key=lambda choice: choice[1])


def clean_settings(form, data):
    """Return (settings to store, template warnings) from data; raise SettingsRefused naming each bad setting."""
    if not isinstance(data, dict):
        raise SettingsRefused({"notifications": _("must be an object")})
    errors, warnings = {}, []
    clean = dict(EMPTY)
    clean["members"] = _members(form, data.get("members"), errors)
    clean["emails"] = _emails(data.get("emails"), errors)
    digest = data.get("digest") or "off"
    if digest not in DIGESTS:
        errors["digest"] = _("must be one of: %(choices)s", choices=", ".join(DIGESTS))
    clean["digest"] = digest
    for name, limit in (("subject", SUBJECT_MAX), ("body", BODY_MAX)):
        clean[name] = _template(form, data.get(name), name, limit, errors, warnings)
    clean["autoresponder"] = _autoresponder(form, data.get("autoresponder"), errors, warnings)
    if errors:
        raise SettingsRefused(errors)
    return clean, warnings


def _members(form, value, errors):
    """Members by user id (the dashboard) or by email (the API); stored by id."""
    value = value or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors["members"] = _("must be a list of member ids")
        return []
    known = {}
    for user_id, email in member_choices(form.workspace_id):
        known[user_id] = known[email] = user_id
    strangers = [item for item in value if item.strip().lower() not in known and item not in known]
    if strangers:
        errors["members"] = _("not a member of this workspace: %(who)s", who=", ".join(strangers[:3]))
    return sorted({known.get(item) or known.get(item.strip().lower()) for item in value} - {None})


def public_settings(form):
    """The settings as the API shows them: members by their email."""
    settings = settings_of(form)
    emails = dict(member_choices(form.workspace_id)) if settings["members"] else {}
    return {**settings, "members": sorted(emails[user_id] for user_id in settings["members"] if user_id in emails)}


def _emails(value, errors):
    if isinstance(value, str):
        value = [part for part in value.replace(",", "\n").split() if part]
    value = value or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors["emails"] = _("must be a list of email addresses")
        return []
    if len(value) > MAX_EXTRA_EMAILS:
        errors["emails"] = _("at most %(count)d addresses", count=MAX_EXTRA_EMAILS)
        return []
    clean = []
    for item in value:
        try:
            address = validate_email(item.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors["emails"] = _("not a valid email address: %(address)s", address=item[:100])
            return []
        if len(address) > MAX_ADDRESS:
            errors["emails"] = _("not a valid email address: %(address)s", address=item[:100])
            return []
        if address not in clean:
            clean.append(address)
    return clean


def _template(form, value, path, limit, errors, warnings):
    value = "" if value is None else value
    if not isinstance(value, str):
        errors[path] = _("must be text")
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[path] = _("at most %(count)d characters", count=limit)
        return ""
    try:
        warnings.extend(f"{path}: {warning}" for warning in check_template(value, template_names(form)))
    except TemplateError as exc:
        errors[path] = str(exc)
        return ""
    return value


def _autoresponder(form, value, errors, warnings):
    if value in (None, {}, False):
        return None
    if not isinstance(value, dict):
        errors["autoresponder"] = _("must be an object or null")
        return None
    field = value.get("field")
    if not field:
        return None  # no address to answer: the autoresponder is off
    if field not in email_field_keys(form):
        errors["autoresponder.field"] = _("must be the key of one of this form's email fields")
    return {
        "field": field,
        "subject": _template(form, value.get("subject"), "autoresponder.subject", SUBJECT_MAX, errors, warnings),
        "body": _template(form, value.get("body"), "autoresponder.body", BODY_MAX, errors, warnings),
    }
