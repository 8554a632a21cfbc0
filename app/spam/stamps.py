"""The signed time a form was shown: a post back sooner than a person could type is a bot's."""

import time

from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.spam.keys import derived_key

FIELD_NAME = "_rendered"
# a page older than this still counts as shown long ago (the stamp only proves "not too fast")
MAX_AGE = 7 * 86400


def _serializer():
    return URLSafeTimedSerializer(derived_key("render-stamp"), salt="form-rendered")


def new_stamp(public_id):
    """A stamp for the form public_id, shown now."""
    return _serializer().dumps(public_id)


def shown_at(stamp, public_id):
    """The Unix time the page with stamp was shown, or None for a missing, forged or foreign stamp."""
    if not stamp or len(stamp) > 200:
        return None
    try:
        value, signed_at = _serializer().loads(stamp, max_age=MAX_AGE, return_timestamp=True)
    except BadSignature:
        return None
    return signed_at.timestamp() if value == public_id else None


def carried_stamp(stamp, public_id):
    """The stamp to keep in a re-rendered page: the first page's, so its time counts from there."""
    return stamp if shown_at(stamp, public_id) is not None else new_stamp(public_id)


def seconds_since(shown):
    return time.time() - shown
