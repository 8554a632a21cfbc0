"""Reading a public submission: body parsing and meta, independent of the answer format."""

import math

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from app.core.errors import ApiError
from app.core.safe_text import JsonRefused, parse_json, storable
from app.fields import field_type

UTM_NAMES = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
# carried from the page URL into the form's hidden inputs, so they survive the POST
CARRIED_NAMES = ("_referrer", "_page_referrer") + tuple(f"_{name}" for name in UTM_NAMES)
HONEYPOT_NAME = "_hp_website"
MAX_META_VALUE = 500


def _as_multidict(data):
    """JSON answers → the MultiDict WTForms reads (lists become repeated keys)."""
    pairs = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, float) and not math.isfinite(item):
                raise ApiError(422, _("some answers are not valid"), {key: _("must be a finite number")})
            if isinstance(item, dict | list):
                raise ApiError(422, _("some answers are not valid"), {key: _("must be a string, number or list")})
            if isinstance(item, bool):
                item = "y" if item else ""
            pairs.append((key, "" if item is None else str(item)))
    return MultiDict(pairs)


def read_formdata(request):
    """The posted answers as a MultiDict, whatever the encoding."""
    if request.is_json or (request.mimetype or "").endswith("+json"):
        try:
            data = parse_json(request.get_data(cache=True) or b"null")
        except JsonRefused as exc:
            raise ApiError(400, _("malformed JSON body: %(reason)s", reason=exc)) from exc
        if isinstance(data, dict) and isinstance(data.get("answers"), dict):
            data = data["answers"]
        if not isinstance(data, dict):
            raise ApiError(400, _("the JSON body must be an object of answers"))
        return _as_multidict(data)
    try:
        return request.form
    except (BadRequest, UnicodeDecodeError) as exc:
        raise ApiError(400, _("the form body could not be read")) from exc


def submission_meta(request, formdata):
    """Referrer, user agent and utm_* from the page URL, the embed or the body."""

    def carried(name):
        return formdata.get(f"_{name}") or request.args.get(f"_{name}")

    meta = {
        "referrer": carried("referrer") or request.referrer or "",
        "user_agent": request.user_agent.string or "",
        "page_referrer": carried("page_referrer") or "",
    }
    for name in UTM_NAMES:
        value = carried(name) or formdata.get(name) or request.args.get(name)
        if value:
            meta[name] = value
    # meta is kept, not typed by the visitor: mend what cannot be stored rather than refuse the post
    return {key: storable(value)[:MAX_META_VALUE] for key, value in meta.items() if storable(value)}


def typed_meta(form, wtf_form, answers):
    """{typed_<key>: text} for the stored answers that are a normalised form of what was typed (phones)."""
    typed = {}
    for field in form.fields:
        if field.key in answers:
            text = field_type(field.type).typed(wtf_form[field.key])
            if text:
                typed[f"typed_{field.key}"] = text[:MAX_META_VALUE]
    return typed


def carried_values(request):
    """The `_referrer`/`_utm_*` values to keep in the page: from its URL, a re-posted form or the Referer."""
    values = {name: request.args.get(name) or request.form.get(name) for name in CARRIED_NAMES}
    if not values["_referrer"] and request.method == "GET" and request.referrer:
        values["_referrer"] = request.referrer
    return {name: value[:MAX_META_VALUE] for name, value in values.items() if value}


def hidden_values(form, args):
    """Hidden fields: their default, overridden by the page's query string."""
    return {field.key: args.get(field.key, field.default or "") for field in hidden_fields(form)}


def hidden_fields(form):
    """The fields the visitor does not see: filled from their default or the page's query."""
    return [field for field in form.fields if field_type(field.type).filled_from_url]
