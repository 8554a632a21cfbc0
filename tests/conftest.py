"""Fixtures: a real database and Redis, the app, clients, users and a receiver.

With no DATABASE_URL / REDIS_URL the suite uses a SQLite file and an embedded
Valkey server; CI sets both to this machine's PostgreSQL and Redis.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from app import create_app
from app.auth.workspaces import create_user
from app.core import queue
from app.core.config import normalize_database_url
from app.core.extensions import db
from app.delivery import jobs
from app.models import ApiKey, Delivery, Field, Form, Membership, User, Webhook
from app.runtime.worker import run_worker
from tests.api_support import api_client
from tests.receiver import Receiver

TEST_PASSWORD = "correct horse battery"
# live_server, browser and page fixtures for the browser tests; a mailbox fixture for mail; s3_server
pytest_plugins = ["tests.browser_support", "tests.mailbox", "tests.upload_support"]
# one Fernet key for the whole run, so worker processes that tests start can read the secrets they store
os.environ.setdefault("SECRETS_KEYS", Fernet.generate_key().decode())


@pytest.fixture(scope="session")
def session_dir():
    with tempfile.TemporaryDirectory(prefix="formhook-tests-") as path:
        yield Path(path)


@pytest.fixture(scope="session")
def redis_url(session_dir):
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    from app.runtime.embedded_redis import start_server

    process, url = start_server(session_dir / "valkey")
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def database_url(session_dir):
    url = os.environ.get("DATABASE_URL")
    return normalize_database_url(url) if url else f"sqlite:///{session_dir / 'test.db'}"


@pytest.fixture(scope="session")
def schema(database_url, redis_url, session_dir):
    """Create the schema once per run, from the models."""
    app = create_app(_test_config(database_url, redis_url, session_dir))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return True


def _test_config(database_url, redis_url, instance_path, **extra):
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "WTF_CSRF_ENABLED": False,
        "WEBHOOK_ALLOWED_NETWORKS": ["127.0.0.0/8", "::1/128"],
        "WEBHOOK_RETRY_SCHEDULE": [0, 0, 0],
        "WEBHOOK_TIMEOUT": 3.0,
        "RATELIMIT_ENABLED": True,
        "SERVER_NAME": None,
        # the spam checks have their own tests (tests/test_spam_*.py), which turn them on
        "SPAM_PROTECTION": False,
        "ALTCHA_COST": 50,
        "ALTCHA_MAX_COUNTER": 200,
    }
    config.update(extra)
    return config


@pytest.fixture
def app(schema, database_url, redis_url, session_dir, request):
    """A fresh app over an emptied database and Redis."""
    extra = getattr(request, "param", None) or {}
    marker = request.node.get_closest_marker("app_config")
    if marker:
        extra = {**extra, **marker.kwargs}
    app = create_app(_test_config(database_url, redis_url, session_dir, **extra))
    app.redis.flushdb()
    with app.app_context():
        _empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        _empty_tables()
        db.engine.dispose()
    app.redis.flushdb()


def _empty_tables():
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


class Accounts:
    """Make users and log clients in."""

    def __init__(self, app):
        self.app = app

    def user(self, email="owner@example.com", workspace=None):
        with self.app.app_context():
            user, ws = create_user(email, TEST_PASSWORD, workspace)
            db.session.commit()
            return user.id, ws.id

    def login(self, client, email="owner@example.com"):
        response = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def api_key(self, workspace_id, email=None):
        """A key made by a member of the workspace (its first, unless email names one)."""
        with self.app.app_context():
            query = select(Membership).where(Membership.workspace_id == workspace_id)
            if email:
                query = query.join(User).where(User.email == email)
            creator = db.session.scalars(query.order_by(Membership.created_at)).first()
            key, plaintext = ApiKey.generate(workspace_id, creator.user_id)
            db.session.add(key)
            db.session.commit()
            return plaintext


@pytest.fixture
def accounts(app):
    return Accounts(app)


@pytest.fixture
def api(app, accounts):
    """A REST API client holding a key of owner@example.com's workspace."""
    return api_client(app, accounts, "owner@example.com")


@pytest.fixture
def stranger_api(app, accounts):
    """A REST API client of another workspace."""
    return api_client(app, accounts, "stranger@example.com")


def make_form(app, workspace_id, fields=None, **settings):
    """Create a form with fields (dicts) in a workspace; return (form_id, public_id)."""
    fields = fields if fields is not None else [
        {"key": "name", "label": "Name", "type": "text", "required": True},
        {"key": "email", "label": "Email", "type": "email", "required": True},
        {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
    ]
    with app.app_context():
        form = Form(workspace_id=workspace_id, name=settings.pop("name", "Leads"), **settings)
        for position, data in enumerate(fields):
            form.fields.append(Field(position=position, **data))
        db.session.add(form)
        db.session.commit()
        return form.id, form.public_id


def make_webhook(app, form_id, url, **settings):
    """Create a webhook on a form; return its id."""
    with app.app_context():
        form = db.session.get(Form, form_id)
        webhook = Webhook(workspace_id=form.workspace_id, form_id=form.id, url=url, **settings)
        db.session.add(webhook)
        db.session.commit()
        return webhook.id


def drain(app, rounds=20):
    """Run the real worker in burst mode until no delivery is waiting to be sent."""
    jobs.bind_app(app)
    for _ in range(rounds):
        queue.move_due_jobs(app)
        run_worker(app, burst=True)
        with app.app_context():
            open_count = len(db.session.scalars(
                select(Delivery.id).where(Delivery.status.in_(("pending", "retrying")))
            ).all())
            db.session.remove()
        if open_count == 0:
            return
    raise AssertionError("deliveries still open after draining")


def csrf_token_from(html):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def pytest_terminal_summary(terminalreporter):
    """Print the figures that tests measured."""
    from tests.figures import FIGURES

    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
