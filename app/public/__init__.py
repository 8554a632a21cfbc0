from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import file_routes, routes, spam_routes  # noqa: E402,F401
