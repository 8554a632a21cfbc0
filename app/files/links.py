"""Signed, expiring links to one uploaded file: absolute, fetchable without a login, useless once changed.

The token is an itsdangerous signature (HMAC-SHA1 keyed from SECRET_KEY, salted for this use)
over the file's id and the time it was made; a link older than FILE_URL_TTL is refused.
"""

from urllib.parse import quote

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

SALT = "formhook.file-link"


class LinkRefused(Exception):
    """A link that was changed, or has expired (`expired` says which)."""

    def __init__(self, expired):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def signed_url(file):
    """The absolute signed link to file (a dict with "id" and "name"), valid for FILE_URL_TTL."""
    token = _serializer().dumps(file["id"])
    return f"{current_app.config['BASE_URL']}/files/{token}/{quote(file['name'], safe='')}"


def file_id_from(token):
    """The file id a link's token names; LinkRefused when it was changed or has expired."""
    try:
        file_id = _serializer().loads(token, max_age=current_app.config["FILE_URL_TTL"])
    except SignatureExpired as exc:
        raise LinkRefused(expired=True) from exc
    except BadSignature as exc:
        raise LinkRefused(expired=False) from exc
    if not isinstance(file_id, str):
        raise LinkRefused(expired=False)
    return file_id


def is_file_answer(value):
    """A file field's answer: a list of file objects (no other type stores objects in answers)."""
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) and "id" in item for item in value)


def with_links(answers):
    """answers with a fresh signed url in every file object (the stored answers are left as they are)."""
    linked = {}
    for key, value in (answers or {}).items():
        if is_file_answer(value):
            value = [{**item, "url": signed_url(item)} for item in value]
        linked[key] = value
    return linked
