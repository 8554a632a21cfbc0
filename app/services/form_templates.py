"""The template gallery: complete forms to start from, as data.

Every text is translated when a form is made from a template, in the language the request
speaks, so the owner's new form reads in their dashboard's language. Keys stay English: they
are what webhooks and exports use. Each template carries the hidden fields campaigns need
(`campaign_name`, `utm_*`, filled from the page's query) and names one webhook preset that
fits it, offered in the builder once the form exists.
"""

from dataclasses import dataclass

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from app.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.integrations.presets import PRESETS
from app.models import Field, Form
from app.services.forms import validate_fields

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


@dataclass(frozen=True)
class FormTemplate:
    name: str
    title: object
    summary: object
    submit_label: object
    thank_you_message: object
    fields: tuple  # field definitions as the API takes them; labels and options lazily translated
    preset: str  # a key of app.integrations.presets.PRESETS

    @property
    def suggested_preset(self):
        return PRESETS[self.preset]

    def hidden_keys(self):
        return [item["key"] for item in self.fields if item["type"] == "hidden"]

    def question_labels(self):
        """The labels of its questions, for the gallery (consent and page titles left out: they read long)."""
        return [item["label"] for item in self.fields if item["type"] not in ("hidden", "page_break", "consent")]


def text(key, label, required=False, **more):
    return {"key": key, "label": label, "type": more.pop("type", "text"), "required": required, **more}


def choice(key, label, kind, options, required=False, **more):
    return {"key": key, "label": label, "type": kind, "required": required, "options": options, **more}


def hidden(key, label, default=""):
    return {"key": key, "label": label, "type": "hidden", "default": default}


def campaign_fields(campaign_name):
    """campaign_name with a default, and every utm_* key, empty unless the page's URL has it."""
    return (hidden("campaign_name", _l("Campaign name"), campaign_name),
            *(hidden(key, key) for key in UTM_KEYS))


NAME = text("name", _l("Full name"), required=True)
EMAIL = text("email", _l("Email"), required=True, type="email")
PHONE = text("phone", _l("Phone number"), type="phone")
COMPANY = text("company", _l("Company"))

TEMPLATES = {template.name: template for template in (
    FormTemplate(
        "lead_capture", _l("Lead capture"),
        _l("Name, work email, company and interest, ready for your CRM."),
        _l("Get in touch"), _l("Thanks! Someone from our team will contact you within one working day."),
        (
            NAME, text("email", _l("Work email"), required=True, type="email"), COMPANY, PHONE,
            choice("interest", _l("What are you interested in?"), "select",
                   [_l("A product demo"), _l("Pricing"), _l("A partnership")], required=True),
            text("consent", _l("I agree to be contacted about my request."), required=True, type="consent"),
            *campaign_fields("lead_capture"),
            hidden("campaign_type", _l("Campaign type"), "organic"), hidden("lead_status", _l("Lead status"), "new"),
        ),
        "crm",
    ),
    FormTemplate(
        "event_registration", _l("Event registration"),
        _l("Tickets, attendees and dietary needs, on two pages."),
        _l("Register"), _l("You're registered! We've noted your place and will send the details before the event."),
        (
            NAME, EMAIL, PHONE,
            {"key": "tickets_page", "label": _l("Your ticket"), "type": "page_break"},
            choice("ticket", _l("Ticket"), "radio", [_l("General admission"), _l("VIP"), _l("Student")],
                   required=True),
            text("attendees", _l("Number of attendees"), required=True, type="number", default="1"),
            choice("dietary", _l("Dietary needs"), "checkbox", [_l("Vegetarian"), _l("Vegan"), _l("Halal"),
                                                                _l("Gluten-free")], allow_other=True),
            *campaign_fields("event_registration"),
        ),
        "telegram",
    ),
    FormTemplate(
        "webinar_signup", _l("Webinar signup"),
        _l("Save a seat, ask the speaker a question, get the recording."),
        _l("Save my seat"), _l("Your seat is saved. The link to join arrives by email before the webinar starts."),
        (
            NAME, EMAIL, COMPANY, text("job_title", _l("Job title")),
            text("question", _l("Your question for the speaker"), type="textarea"),
            text("send_recording", _l("Send me the recording afterwards"), type="consent"),
            *campaign_fields("webinar"),
        ),
        "slack",
    ),
    FormTemplate(
        "contact_us", _l("Contact us"),
        _l("A topic and a message, with a phone number to call back."),
        _l("Send message"), _l("Thank you for your message. We answer within two working days."),
        (
            NAME, EMAIL, PHONE,
            choice("topic", _l("Topic"), "select", [_l("Sales"), _l("Support"), _l("Billing")], allow_other=True),
            text("message", _l("Message"), required=True, type="textarea"),
            *campaign_fields("contact"),
        ),
        "whatsapp",
    ),
    FormTemplate(
        "nps_feedback", _l("NPS feedback"),
        _l("The 0–10 recommendation question and the reason behind the score."),
        _l("Send feedback"), _l("Thank you! Your feedback helps us improve."),
        (
            {"key": "score", "label": _l("How likely are you to recommend us to a friend or colleague?"),
             "type": "scale", "required": True, "min": 0, "max": 10},
            text("reason", _l("What is the main reason for your score?"), type="textarea"),
            text("email", _l("Email (if we may follow up)"), type="email"),
            hidden("customer_id", _l("Customer id")),
            *campaign_fields("nps"),
        ),
        "discord",
    ),
    FormTemplate(
        "job_application", _l("Job application"),
        _l("Contact details, CV upload and experience, on two pages."),
        _l("Send application"), _l("Thank you for applying. We read every application and reply within two weeks."),
        (
            NAME, EMAIL, PHONE,
            choice("position", _l("Position"), "select", [_l("Engineering"), _l("Design"), _l("Marketing"),
                                                          _l("Sales")], required=True),
            {"key": "experience_page", "label": _l("Your experience"), "type": "page_break"},
            {"key": "cv", "label": _l("CV"), "type": "file", "required": True, "accept": ["pdf", "office"]},
            text("portfolio", _l("LinkedIn or portfolio link"), type="url"),
            text("cover_letter", _l("Why do you want to join us?"), type="textarea"),
            text("start_date", _l("Earliest start date"), type="date"),
            text("data_consent", _l("I agree that my application is kept for this hiring round."),
                 required=True, type="consent"),
            *campaign_fields("careers"),
        ),
        "telegram",
    ),
)}


def _translated(value):
    if isinstance(value, list):
        return [str(item) for item in value]
    return value if isinstance(value, str | int | bool | None) else str(value)


def request_language():
    """The language the request speaks, as a form's `language`."""
    locale = str(get_locale() or DEFAULT_LANGUAGE)
    return locale if locale in LANGUAGES else DEFAULT_LANGUAGE


def template_settings(template, language):
    """The template as an API form body with its texts in language (en or id).

    The form's own language is set to it too: its labels are written in one language,
    so the texts the page supplies should speak it as well.
    """
    with force_locale(language):
        return {
            "name": str(template.title), "submit_label": str(template.submit_label),
            "thank_you_message": str(template.thank_you_message), "language": language,
            "fields": [{name: _translated(value) for name, value in item.items()} for item in template.fields],
        }


def form_from_template(template, workspace_id, language):
    """A new, unsaved form built from template in language; the caller adds and commits."""
    settings = template_settings(template, language)
    clean, errors = validate_fields(settings.pop("fields"))
    if errors:  # the gallery is ours: a broken template is a bug, never the user's input
        raise ValueError(f"template {template.name} is not valid: {errors}")
    form = Form(workspace_id=workspace_id, template=template.name, **settings)
    form.fields = [Field(position=position, **data) for position, data in enumerate(clean)]
    return form
