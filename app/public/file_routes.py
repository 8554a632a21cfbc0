"""Files on the public side: the signed link a webhook receiver fetches, and the file input's hints."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.errors import ApiError
from app.core.extensions import db
from app.fields import field_type
from app.fields.file import human_size
from app.files import kinds, links
from app.files.serving import send_stored
from app.models import StoredFile
from app.public import bp

FILE = field_type("file")


@bp.route("/files/<token>/<path:name>", methods=["GET"], endpoint="file")
def signed_file(token, name):
    """Send the file a signed link names, to anyone holding the link, until it expires."""
    try:
        file_id = links.file_id_from(token)
    except links.LinkRefused as refused:
        if refused.expired:
            raise ApiError(410, _("this file link has expired; ask for a new one"), code="link_expired") from None
        raise ApiError(403, _("this file link is not valid"), code="link_invalid") from None
    row = db.session.get(StoredFile, file_id)
    if row is None:
        raise ApiError(404, _("this file was deleted"))
    return send_stored(row)


@bp.app_template_global()
def file_accept(field):
    """The accept hint of a file field's input (phones then offer camera, gallery or files)."""
    return kinds.accept_attribute(FILE.accept(field))


@bp.app_template_global()
def file_max(field):
    return FILE.max_files(field)


@bp.app_template_global()
def upload_max_bytes():
    return current_app.config["UPLOAD_MAX_BYTES"]


@bp.app_template_global()
def file_hint(field):
    """'PDF, Images … · up to 10.0 MB each · 1 file' in the visitor's words."""
    labels = ", ".join(str(kind.label) for kind in kinds.kinds_of(FILE.accept(field)))
    most = FILE.max_files(field)
    count = ngettext("up to %(num)d file", "up to %(num)d files", most)
    return _("%(kinds)s · %(count)s, %(size)s each at most",
             kinds=labels, count=count, size=human_size(current_app.config["UPLOAD_MAX_BYTES"]))
