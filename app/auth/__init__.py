from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import language, password_reset_routes, routes, team_routes  # noqa: E402,F401
from app.auth.team import role_label  # noqa: E402

bp.add_app_template_global(role_label)
