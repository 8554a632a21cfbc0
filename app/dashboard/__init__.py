from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from app.dashboard import (  # noqa: E402,F401
    apikey_routes,
    bulk_delete_routes,
    data_routes,
    delivery_routes,
    design_routes,
    export_routes,
    file_routes,
    labels,
    notification_routes,
    quota_banner,
    routes,
    script_text,
    spam_routes,
    url_display,
    webhook_routes,
    workspace_settings,
)
