"""A WTForms class built for each customer form, fresh per request, from the field types' registry."""

from wtforms import Form

from app.core.extensions import db
from app.fields import field_type
from app.fields.messages import TRANSLATIONS
from app.models import Workspace


def answered_fields(form):
    """The fields of form that take an answer (a statement or a page break takes none)."""
    return [field for field in form.fields if field_type(field.type).takes_answer]


def phone_region_of(form):
    """The workspace's region for phone answers (None: the setting's), read only when form asks for a phone."""
    if not any(field.type == "phone" for field in form.fields):
        return None
    workspace = db.session.get(Workspace, form.workspace_id)
    return workspace.phone_region if workspace else None


def build_submission_form(form):
    """Return a WTForms class with one field per answer-taking field of form."""

    class SubmissionForm(Form):
        class Meta:
            phone_region = phone_region_of(form)

            def get_translations(self, form):
                return TRANSLATIONS

    for field in answered_fields(form):
        kind = field_type(field.type)
        unbound = kind.wtf_field(field)
        if field.default:
            unbound.kwargs["default"] = kind.initial(field)
        setattr(SubmissionForm, field.key, unbound)
    return SubmissionForm
