"""Template helpers shared by every page, and the site icon."""

from flask import current_app, send_from_directory, session
from flask_login import current_user


def favicon():
    """The icon browsers ask for at /favicon.ico on every page."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml", max_age=86400)


def register(app):
    app.add_url_rule("/favicon.ico", "favicon", favicon)

    @app.context_processor
    def inject_workspace():
        from app.auth.workspaces import current_membership

        membership = current_membership() if current_user.is_authenticated else None
        return {"current_membership": membership, "session": session}
