"""An upgrade loses nothing: a database made by the last release is migrated with data and secrets intact.

The last release's own code (taken from git history) creates the schema with its migrations and
fills it through its CLI and API; then this version's migrations upgrade that database and this
version's app must read back every user, key, form, webhook secret, header and submission.
"""

import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import BytesIO

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.core import crypto
from app.core.config import REPO_ROOT, normalize_database_url
from app.core.extensions import db
from tests.api_support import ApiClient

# main as it last landed: the database it makes must upgrade with data and secrets intact
LAST_RELEASE = "51869d827fa739631efc556bc166dd3534150dc9"
PASSWORD = "correct horse battery"
WEBHOOK_BODY = {
    "url": "http://127.0.0.1:9/hook?token=crm-token-123&campaign_name={{ campaign_name }}",
    "headers": {"Authorization": "Bearer header-secret-456"},
}

# Runs inside the last release's tree, with its code: migrate, then fill through the CLI and the API.
SEED_SCRIPT = r"""
import json, os, sys
from click.testing import CliRunner
from flask_migrate import upgrade
from app import create_app

app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"], "WTF_CSRF_ENABLED": False,
                  "WEBHOOK_ALLOWED_NETWORKS": ["127.0.0.0/8"]})
with app.app_context():
    upgrade(directory="migrations")
runner = app.test_cli_runner()
out = runner.invoke(args=["user", "create", "--email", "owner@old.example", "--password", sys.argv[1]])
assert out.exit_code == 0, out.output
out = runner.invoke(args=["apikey", "create", "--email", "owner@old.example"])
assert out.exit_code == 0, out.output
key = out.output.strip().splitlines()[-1]
client = app.test_client()
auth = {"Authorization": f"Bearer {key}"}
form = client.post("/api/v1/forms", headers={**auth, "Idempotency-Key": "form-1"}, json={
    "name": "Lead form", "fields": [
        {"key": "email", "label": "Email", "type": "email", "required": True},
        {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "Event A"},
    ]}).get_json()
webhook = client.post(f"/api/v1/forms/{form['id']}/webhooks", headers={**auth, "Idempotency-Key": "webhook-1"},
                      json=json.loads(sys.argv[2])).get_json()
posted = client.post(f"/f/{form['public_id']}", json={"email": "lead@example.com"})
assert posted.status_code == 201, posted.get_data(as_text=True)
print(json.dumps({"key": key, "form": form, "webhook": webhook,
                  "submission_id": posted.get_json()["submission_id"]}))
"""


def _last_release_tree(tmp_path):
    """The last release's files, from git history."""
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", "--format=tar", LAST_RELEASE],
        capture_output=True, check=True,
    ).stdout
    tree = tmp_path / "last-release"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(tree, filter="data")
    return tree


def _database_urls(tmp_path):
    yield f"sqlite:///{tmp_path / 'upgraded.db'}", None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres", "postgresql")):
        url = normalize_database_url(url)
        name = f"formhook_upgrade_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        yield url.rsplit("/", 1)[0] + f"/{name}", (url, name)


def _drop(throwaway):
    url, name = throwaway
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_keeps_data_and_secrets(tmp_path, redis_url):
    if subprocess.run(["git", "-C", str(REPO_ROOT), "cat-file", "-e", LAST_RELEASE]).returncode:
        pytest.fail(f"the last release {LAST_RELEASE} is not in this clone's history")
    tree = _last_release_tree(tmp_path)
    for url, throwaway in _database_urls(tmp_path):
        try:
            _seed_and_check(tree, url, redis_url, tmp_path)
        finally:
            if throwaway:
                _drop(throwaway)


def _seed_and_check(tree, url, redis_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "PYTHONPATH": str(tree)}
    seeded = subprocess.run(
        [sys.executable, "-c", SEED_SCRIPT, PASSWORD, json.dumps(WEBHOOK_BODY)], cwd=tree, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    old = json.loads(seeded.stdout.strip().splitlines()[-1])

    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        upgrade(directory=str(REPO_ROOT / "migrations"))
        db.session.remove()
        db.engine.dispose()

    with app.app_context():  # workspaces made before time zones keep showing UTC
        assert db.session.execute(text("SELECT timezone, phone_region FROM workspaces")).all() == [("UTC", None)]
        db.session.remove()
    client = app.test_client()
    login = client.post("/login", data={"email": "owner@old.example", "password": PASSWORD})
    assert login.status_code == 302 and "/login" not in login.headers["Location"]

    api = ApiClient(app.test_client(), old["key"], workspace_id=None)
    webhook = api.get(f"/webhooks/{old['webhook']['id']}")
    assert webhook.status_code == 200, webhook.get_data(as_text=True)
    body = webhook.get_json()
    assert body["secret"] == old["webhook"]["secret"]
    assert body["url"] == old["webhook"]["url"]
    assert body["headers"] == {"Authorization": "Bearer header-secret-456"}

    form = api.get(f"/forms/{old['form']['id']}").get_json()
    # an old form speaks its visitor's language; its stored English default label became the built-in one
    assert (form["name"], form["language"], form["submit_label"]) == ("Lead form", "auto", None)

    submissions = api.get(f"/forms/{old['form']['id']}/submissions").get_json()["data"]
    assert [s["id"] for s in submissions] == [old["submission_id"]]
    assert submissions[0]["answers"] == {"email": "lead@example.com", "campaign_name": "Event A"}

    deliveries = api.get(f"/webhooks/{old['webhook']['id']}/deliveries").get_json()["data"]
    assert [d["submission_id"] for d in deliveries] == [old["submission_id"]]
    _check_idempotent_answers_and_audit_trail(app, api, old)


def _check_idempotent_answers_and_audit_trail(app, api, old):
    """The remembered answers stay encrypted and still replay; the audit trail stays masked."""
    with app.app_context():
        remembered = db.session.execute(text("SELECT key, response_body FROM idempotency_keys")).all()
        trail = db.session.execute(text("SELECT changes FROM audit_events")).scalars().all()
        db.session.remove()
    assert sorted(key for key, _ in remembered) == ["form-1", "webhook-1"]
    assert all(body.startswith(crypto.TOKEN_PREFIX) for _, body in remembered)
    raw = " ".join(str(value) for row in remembered for value in row) + " ".join(str(value) for value in trail)
    for plaintext in ("crm-token-123", "header-secret-456", old["webhook"]["secret"].removeprefix("whsec_")):
        assert plaintext not in raw
    events = [changes if isinstance(changes, dict) else json.loads(changes) for changes in trail]
    created = next(changes for changes in events if "url" in changes)
    assert created["url"]["to"] == "http://127.0.0.1:9/hook?token=••••••&campaign_name={{ campaign_name }}"

    replayed = api.post(f"/forms/{old['form']['id']}/webhooks", json=WEBHOOK_BODY,
                        headers={"Idempotency-Key": "webhook-1"})
    assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.get_json() == old["webhook"]

    with app.app_context():  # and back: the downgrade decrypts the remembered answers into plain JSON again
        downgrade(directory=str(REPO_ROOT / "migrations"), revision="3b7c1d2e4f60")
        (body,) = db.session.execute(
            text("SELECT response_body FROM idempotency_keys WHERE key = 'webhook-1'")).scalars().all()
        assert (body if isinstance(body, dict) else json.loads(body))["secret"] == old["webhook"]["secret"]
        db.session.remove()
        upgrade(directory=str(REPO_ROOT / "migrations"))
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()
