"""File parts of a public post: how large the body may be, and the files handed to the file fields."""

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from app.core.errors import ApiError
from app.fields import field_type

# multipart headers and boundaries around each file
PART_OVERHEAD = 16 * 1024


def file_fields(form):
    return [field for field in form.fields if field.type == "file"]


def body_limit(form):
    """SUBMISSION_MAX_BYTES for the answers, plus room for every file the form's fields take.

    One more file's worth is allowed so that a file over UPLOAD_MAX_BYTES still arrives whole
    and is refused by name (413 naming its field) rather than as a body that is too large.
    """
    limit = current_app.config["SUBMISSION_MAX_BYTES"]
    files = sum(field_type("file").max_files(field) for field in file_fields(form))
    if files:
        limit += (files + 1) * (current_app.config["UPLOAD_MAX_BYTES"] + PART_OVERHEAD)
    return limit


def check_text_size(formdata):
    """The non-file parts stay within SUBMISSION_MAX_BYTES, as a body without files would."""
    # a part without a name comes with the key None
    size = sum(len(key or "") + len(value) for key, value in formdata.items(multi=True) if isinstance(value, str))
    if size > current_app.config["SUBMISSION_MAX_BYTES"]:
        raise ApiError(413, _("the answers are larger than %(limit)d bytes",
                              limit=current_app.config["SUBMISSION_MAX_BYTES"]))


def with_files(form, request, formdata):
    """formdata plus the file parts posted under the form's file field keys (others are ignored)."""
    keys = {field.key for field in file_fields(form)}
    if not keys or not request.mimetype == "multipart/form-data":
        return formdata
    check_text_size(formdata)
    files = MultiDict([(key, part) for key, part in request.files.items(multi=True) if key in keys])
    return CombinedMultiDict([formdata, files])


def too_large(wtf_form):
    """A file field refused a file for its size (the answer is then 413, not 422)."""
    return any(getattr(field, "too_large", False) for field in wtf_form)
