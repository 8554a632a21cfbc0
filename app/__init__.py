"""Formhook: forms whose webhooks always arrive."""

import logging
import os

from flask import Flask

from app.core.config import REPO_ROOT, Config
from app.core.version import __version__

__all__ = ["__version__", "create_app"]


def create_app(config=None):
    """Build the application; config (a mapping) overrides settings, as tests do."""
    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        static_folder=str(REPO_ROOT / "static"),
        instance_path=str(REPO_ROOT / "instance"),
    )
    load_config(app, config or {})
    register_trusted_proxies(app)
    register_log_redaction(app)
    register_extensions(app)
    register_blueprints(app)
    register_observability(app)
    register_cli(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_quotas(app)
    register_delivery_recorder(app)
    return app


def load_config(app, overrides):
    instance_path = overrides.get("INSTANCE_PATH", app.instance_path)
    os.makedirs(instance_path, exist_ok=True)
    app.config.update(Config(instance_path).as_dict())
    app.config.update(overrides)
    if not app.config.get("REDIS_URL"):
        # unconfigured: the embedded server this instance's `make run` or `flask worker` recorded
        # (the factory never starts one), else a local Redis; without either the app runs as in
        # a Redis outage: submissions are stored, the worker's sweep sends them later
        from app.runtime import embedded_redis

        app.config["REDIS_URL"] = embedded_redis.recorded_url(instance_path) or embedded_redis.DEFAULT_URL
        app.config["REDIS_EMBEDDED"] = True
    if not app.debug and not app.testing:
        from app.observability.logs import configure_json_logging

        configure_json_logging(logging.INFO)


def register_trusted_proxies(app):
    from app.core.proxies import trust_proxies

    app.wsgi_app = trust_proxies(app.wsgi_app, app.config["TRUSTED_PROXIES"])


def register_log_redaction(app):
    from app.core.redaction import install_log_redaction

    install_log_redaction()


def register_extensions(app):
    from app.core import crypto, i18n, queue, ratelimiting, timezones
    from app.core.database import init_database
    from app.core.extensions import csrf, db, limiter, login_manager, migrate

    crypto.init_app(app)
    db.init_app(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    limiter.init_app(app)
    ratelimiting.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    queue.init_app(app)
    i18n.init_app(app)
    timezones.init_app(app)


def register_blueprints(app):
    from app.api import bp as api_bp
    from app.api import docs_bp as api_docs_bp
    from app.auth import bp as auth_bp
    from app.dashboard import bp as dashboard_bp
    from app.inspector import bp as inspector_bp
    from app.public import bp as public_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(inspector_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_docs_bp)


def register_observability(app):
    from app.observability import init_app

    init_app(app)


def register_cli(app):
    from app.runtime.cli import register_commands

    register_commands(app)


def register_error_handlers(app):
    from app.core.errors import register

    register(app)


def register_security_headers(app):
    from app.core import security_headers

    security_headers.init_app(app)


def register_quotas(app):
    from app.services import quotas

    quotas.init_app(app)


def register_delivery_recorder(app):
    from app.services import recording

    recording.init_app(app)


def register_template_helpers(app):
    from app.auth.context import register

    register(app)
