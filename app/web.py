"""Template helpers shared by every page."""

from flask import session
from flask_login import current_user


def register(app):
    @app.context_processor
    def inject_workspace():
        from app.auth.workspaces import current_membership

        membership = current_membership() if current_user.is_authenticated else None
        return {"current_membership": membership, "session": session}
