"""File: one or several uploads (max_files), of the kinds the owner allows, each within UPLOAD_MAX_BYTES.

The answer is a list of file objects {"id", "name", "size", "content_type"}; links are added
where it is sent. The bytes are checked here (size, kind by extension and content); storing
them is app/services/uploads.py's job, once every answer is valid.
"""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from wtforms import MultipleFileField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import FileInput

from app.fields.base import FieldType
from app.fields.registry import field_type, register
from app.files import kinds
from app.files.names import safe_name

MAX_FILES_LIMIT = 20
FILE_OBJECT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"},
        "content_type": {"type": "string"},
        "url": {"type": "string", "format": "uri", "description": "absolute, signed, expires after FILE_URL_TTL"},
    },
    "required": ["id", "name", "size", "content_type"],
}


class Upload:
    """One checked file of an answer: its safe name, sniffed type and bytes."""

    def __init__(self, name, content_type, data):
        self.name, self.content_type, self.data = name, content_type, data

    @property
    def size(self):
        return len(self.data)


def chosen_files(wtf_field):
    """The file parts the visitor really chose (a browser sends an empty part for "no file")."""
    return [item for item in wtf_field.data or [] if hasattr(item, "stream") and item.filename]


def human_size(size):
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


def file_checks(field):
    """A validator: at most max_files files, each within UPLOAD_MAX_BYTES and of an allowed kind.

    Leaves the checked files on the WTForms field (`uploads`); marks `too_large` so the
    endpoint answers 413 rather than 422.
    """
    settings = field_type("file").settings_of(field)
    most = settings["max_files"]

    def check(_form, wtf_field):
        wtf_field.uploads, wtf_field.too_large = [], False
        chosen = chosen_files(wtf_field)
        if field.required and not chosen:
            raise StopValidation(_("choose a file"))
        if len(chosen) > most:
            raise ValidationError(ngettext("at most %(num)d file", "at most %(num)d files", most))
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        for part in chosen:
            name = safe_name(part.filename)
            data = part.stream.read(limit + 1)
            if len(data) > limit:
                wtf_field.too_large = True
                raise ValidationError(_("%(name)s is larger than %(size)s", name=name, size=human_size(limit)))
            try:
                content_type = kinds.checked_content_type(name, data, settings["accept"])
            except kinds.KindRefused as exc:
                raise ValidationError(str(exc)) from exc
            wtf_field.uploads.append(Upload(name, content_type, data))

    return check


def _clean_accept(raw, path):
    if raw in (None, "", []):
        return None, {}
    if isinstance(raw, str):
        raw = [part.strip() for part in raw.replace("\n", ",").split(",") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(item, str) and item in kinds.KINDS for item in raw):
        return None, {f"{path}.accept": _("must be a list of kinds: %(kinds)s", kinds=", ".join(kinds.KINDS))}
    return list(dict.fromkeys(raw)), {}


def _clean_max_files(raw, path):
    if raw in (None, ""):
        return None, {}
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_FILES_LIMIT:
        return None, {f"{path}.max_files": _("must be a whole number from 1 to %(most)d", most=MAX_FILES_LIMIT)}
    return raw, {}


@register
class FileType(FieldType):
    name = "file"
    label = lazy_gettext("File upload")
    operators = ("empty", "not_empty")
    answer_schema = {"type": "array", "items": FILE_OBJECT}

    settings_schema = {
        "max_files": {"type": "integer", "minimum": 1, "maximum": MAX_FILES_LIMIT, "default": 1,
                      "description": "file: how many files one answer may hold"},
        "accept": {"type": "array", "items": {"enum": list(kinds.KINDS)}, "default": list(kinds.DEFAULT_KINDS),
                   "description": "file: the kinds of file allowed"},
    }

    def read_settings(self, item, path):
        max_files, errors = _clean_max_files(item.get("max_files"), path)
        accept, problems = _clean_accept(item.get("accept"), path)
        return {"max_files": max_files or 1, "accept": accept or list(kinds.DEFAULT_KINDS)}, {**errors, **problems}

    def check_settings(self, clean, path):
        if clean["default"]:
            return {f"{path}.default": _("a file field has no default")}
        return {}

    def chain(self, field):
        return [file_checks(field)]

    def wtf_field(self, field):
        # one file: a plain input, so the phone's picker takes one
        return MultipleFileField(field.label, self.chain(field), widget=FileInput(multiple=self.max_files(field) > 1))

    def max_files(self, field):
        return self.settings_of(field)["max_files"]

    def accept(self, field):
        return self.settings_of(field)["accept"]

    def initial(self, field):
        return None

    def clean(self, value):
        # the stored file objects replace this once the files are kept (app/services/uploads.py)
        return []

    def csv_value(self, value):
        from flask import url_for

        if not isinstance(value, list):
            return ""
        return " ".join(
            url_for("dashboard.file_download", file_id=item["id"], _external=True)
            for item in value if isinstance(item, dict) and "id" in item
        )
