from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from app.dashboard import apikey_routes, delivery_routes, routes, url_display, webhook_routes  # noqa: E402,F401
