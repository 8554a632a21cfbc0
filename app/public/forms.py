"""A WTForms class per customer form, from the field types' registry, built once per version of it."""

import json
import threading
from collections import OrderedDict

from wtforms import Form

from app.core.extensions import db
from app.core.i18n import current_locale
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


# forms whose classes are kept, least recently used dropped first (a class is a few kB)
CACHED_CLASSES = 512
_classes = OrderedDict()
_classes_lock = threading.Lock()


def _version(form, phone_region):
    """Everything the class is built from: the fields as stored, the language its messages
    are in, the phone region. A field shuffling its options is built afresh every time."""
    fields = []
    for field in form.fields:
        if (field.settings or {}).get("randomize"):
            return None
        fields.append((field.id, field.position, field.key, field.label, field.type, field.required,
                       field.default, field.placeholder,
                       json.dumps([field.options, field.settings, field.visible_if], sort_keys=True, default=str)))
    return form.id, str(current_locale()), phone_region, tuple(fields)


def build_submission_form(form):
    """Return the WTForms class with one field per answer-taking field of form (cached per version)."""
    phone_region = phone_region_of(form)
    version = _version(form, phone_region)
    if version is None:
        return _build(form, phone_region)
    # under a lock: the threads of a process share the cache
    with _classes_lock:
        cached = _classes.get(form.id)
        if cached is not None and cached[0] == version:
            _classes.move_to_end(form.id)
            return cached[1]
    built = _build(form, phone_region)
    with _classes_lock:
        _classes[form.id] = (version, built)
        while len(_classes) > CACHED_CLASSES:
            _classes.popitem(last=False)
    return built


def _build(form, region):
    class SubmissionForm(Form):
        class Meta:
            phone_region = region

            def get_translations(self, form):
                return TRANSLATIONS

    for field in answered_fields(form):
        kind = field_type(field.type)
        unbound = kind.wtf_field(field)
        if field.default:
            unbound.kwargs["default"] = kind.initial(field)
        setattr(SubmissionForm, field.key, unbound)
    return SubmissionForm
