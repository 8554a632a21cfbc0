"""Template helpers shared by every page, and the site icon."""

from flask import current_app, send_from_directory, session
from flask_login import current_user

from app.core import timezones


def favicon():
    """The icon browsers ask for at /favicon.ico on every page."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def current_workspace_zone():
    """The signed-in user's current workspace's time zone (None when there is none)."""
    from app.auth.workspaces import current_membership

    membership = current_membership() if current_user.is_authenticated else None
    return membership.workspace.timezone if membership is not None else None


def register(app):
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    timezones.set_resolver(app, current_workspace_zone)

    @app.context_processor
    def inject_workspace():
        from app.auth.workspaces import current_membership

        membership = current_membership() if current_user.is_authenticated else None
        return {"current_membership": membership, "session": session}
