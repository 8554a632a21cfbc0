"""Migrations have one head and build exactly the schema the models describe."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.core.config import REPO_ROOT, normalize_database_url
from app.core.extensions import db


def test_migrations_have_one_head():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def _database_urls(tmp_path):
    yield f"sqlite:///{tmp_path / 'migrated.db'}"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres", "postgresql")):
        yield normalize_database_url(url)


def _fresh_postgres(url):
    """A throwaway database next to the configured one."""
    name = f"formhook_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}", name


def _drop_postgres(url, name):
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_apps(tmp_path, redis_url):
    """An app over an empty SQLite database, then one over a fresh PostgreSQL one when configured."""
    for configured_url in _database_urls(tmp_path):
        url, throwaway = configured_url, None
        if url.startswith("postgresql"):
            url, throwaway = _fresh_postgres(configured_url)
        try:
            yield create_app({
                "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url,
                "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
            })
        finally:
            if throwaway:
                _drop_postgres(configured_url, throwaway)


# SQLite cannot reflect the answers' trigram index (PostgreSQL only, an expression): there the comparison skips it
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_upgrade_builds_the_models_schema(tmp_path, redis_url):
    for app in empty_apps(tmp_path, redis_url):
        with app.app_context():
            upgrade(directory=str(REPO_ROOT / "migrations"))
            with db.engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
            dialect = db.engine.dialect.name
            db.engine.dispose()
        assert diff == [], f"models and migrations differ on {dialect}: {diff}"
