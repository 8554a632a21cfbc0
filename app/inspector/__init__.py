from flask import Blueprint

bp = Blueprint("inspector", __name__)

from app.inspector import capture, routes  # noqa: E402,F401
