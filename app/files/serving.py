"""The one way a stored file leaves as a response: always a download, never a page that runs."""

from io import BytesIO

from flask import send_file
from flask_babel import gettext as _

from app.core.errors import ApiError
from app.files.storage import StorageError, storage

# a file opened anyway (a link typed in the address bar) runs no script and loads nothing
FILE_CSP = "sandbox; default-src 'none'"


def file_response(name, content_type, data, inline_image=False):
    """A response carrying data as an attachment called name, typed as sniffed, sandboxed.

    inline_image lets the dashboard's <img> thumbnails show an image (never SVG: it is not an
    image kind here); everything else is `attachment`.
    """
    inline = inline_image and content_type.startswith("image/")
    response = send_file(
        BytesIO(data), mimetype=content_type, as_attachment=not inline, download_name=name,
        max_age=0, etag=False, conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def send_stored(row, inline_image=False):
    """The response carrying a stored file (a row with storage_key, name, content_type); 503 while the store is away."""
    try:
        data = storage().get(row.storage_key)
    except KeyError:
        raise ApiError(404, _("this file was deleted")) from None
    except StorageError as exc:
        raise ApiError(503, _("the file cannot be read right now, try again"), headers={"Retry-After": "5"}) from exc
    return file_response(row.name, row.content_type, data, inline_image=inline_image)
