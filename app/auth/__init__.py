from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import password_reset_routes, routes, team_routes  # noqa: E402,F401
