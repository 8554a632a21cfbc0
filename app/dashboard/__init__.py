from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from app.dashboard import apikey_routes, delivery_routes, routes, webhook_routes  # noqa: E402,F401
