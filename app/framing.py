"""Who may frame our pages: anyone for hosted forms, nobody for the dashboard."""

from flask import request

FRAMEABLE_BLUEPRINTS = ("public",)


def register(app):
    @app.after_request
    def set_frame_policy(response):
        """Hosted forms are embedded on customers' sites; the dashboard must not be (clickjacking)."""
        if request.blueprint in FRAMEABLE_BLUEPRINTS or request.endpoint == "static":
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors *")
        else:
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response
