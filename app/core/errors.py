"""Error answers: the contract's JSON error shape for API and JSON clients, pages otherwise."""

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 402: "quota_exceeded", 403: "forbidden",
    404: "not_found", 405: "method_not_allowed", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid", 429: "rate_limited", 503: "unavailable",
}


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
