"""Error answers: the contract's JSON error shape for API and JSON clients, pages otherwise."""

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext
from werkzeug.exceptions import HTTPException

ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 402: "quota_exceeded", 403: "forbidden",
    404: "not_found", 405: "method_not_allowed", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid", 429: "rate_limited", 503: "unavailable",
}


# an error page's heading and sentence, by status, in the page's language
PAGE_TEXTS = {
    400: (lazy_gettext("Bad request"), lazy_gettext("The request could not be understood. Go back and try again.")),
    401: (lazy_gettext("Log in needed"), lazy_gettext("Log in to see this page.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("You do not have permission to do this.")),
    404: (lazy_gettext("Not found"), lazy_gettext("That page does not exist.")),
    405: (lazy_gettext("Method not allowed"), lazy_gettext("This address does not accept that kind of request.")),
    413: (lazy_gettext("Too large"), lazy_gettext("What you sent is larger than we accept.")),
    429: (lazy_gettext("Too many requests"),
          lazy_gettext("Too many requests in a short time. Wait a moment and try again.")),
    500: (lazy_gettext("Something went wrong"),
          lazy_gettext("We could not finish this request. Try again in a moment.")),
    503: (lazy_gettext("Unavailable"), lazy_gettext("Formhook is briefly unavailable. Try again in a moment.")),
}


def error_page_name(error):
    """The heading of an error page: ours for the statuses we know, else the HTTP name."""
    code = error.code if error else 404
    return PAGE_TEXTS[code][0] if code in PAGE_TEXTS else error.name


def error_page_description(error):
    """What went wrong: the view's own (already translated) words, else ours for the status."""
    code = error.code if error else 404
    default = type(error).description if error else None
    if error is not None and error.description and error.description != default:
        return error.description
    return PAGE_TEXTS[code][1] if code in PAGE_TEXTS else error.description


class ApiError(Exception):
    """An error to answer as {"error": {"code", "message", "fields"?}}."""

    def __init__(self, status, message, fields=None, code=None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields
        self.code = code or ERROR_CODES.get(status, "error")
        self.headers = headers or {}


def error_response(status, message, fields=None, code=None, headers=None):
    body = {"code": code or ERROR_CODES.get(status, "error"), "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wants_json():
    if request.path.startswith("/api/"):
        return True
    if request.is_json:
        return True
    accepted = request.accept_mimetypes
    return accepted["application/json"] > accepted["text/html"]


def register(app):
    app.add_template_global(error_page_name)
    app.add_template_global(error_page_description)

    @app.errorhandler(ApiError)
    def handle_api_error(error):
        return error_response(error.status, error.message, error.fields, error.code, error.headers)

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        headers = dict(error.get_response().headers)
        headers.pop("Content-Type", None)
        headers.pop("Content-Length", None)
        if wants_json():
            message = error.description or error.name
            if error.code == 429:
                message = f"too many requests: {error.description}"
            return error_response(error.code, message, headers=headers)
        response = app.make_response(
            (render_template("error.html", error=error), error.code)
        )
        for name, value in headers.items():
            response.headers[name] = value
        return response
