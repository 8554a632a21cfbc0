"""Webhook names: the URL's host by default, editable through the API, given to old webhooks by the upgrade."""

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.core.config import REPO_ROOT
from app.core.crypto import decrypt, encrypt
from app.core.extensions import db
from tests.api_support import assert_error

NAMES_REVISION = "7d3e9a1c5b20"


def test_a_webhook_is_named_after_its_host_unless_named(api):
    form = api.create_form()
    unnamed = api.create_webhook(form["id"], "https://hooks.crm.example/lead?c={{ campaign_name }}")
    assert unnamed["name"] == "hooks.crm.example"
    named = api.create_webhook(form["id"], "https://hooks.slack.example/x", name="  Slack   alerts ")
    assert named["name"] == "Slack alerts"

    renamed = api.patch(f"/webhooks/{unnamed['id']}", json={"name": "HubSpot CRM"}).get_json()
    assert renamed["name"] == "HubSpot CRM"
    moved = api.patch(f"/webhooks/{unnamed['id']}", json={"url": "https://other.example/hook"}).get_json()
    assert moved["name"] == "HubSpot CRM"  # a new URL keeps the name given
    cleared = api.patch(f"/webhooks/{unnamed['id']}", json={"name": ""}).get_json()
    assert cleared["name"] == "other.example"
    assert [hook["name"] for hook in api.get(f"/forms/{form['id']}/webhooks").get_json()["data"]] == [
        "other.example", "Slack alerts",
    ]


def test_a_bad_name_is_a_422_naming_the_field(api):
    form = api.create_form()
    assert_error(api.post(f"/forms/{form['id']}/webhooks", json={"url": "https://a.example", "name": "x" * 101}),
                 422, "name")
    assert_error(api.post(f"/forms/{form['id']}/webhooks", json={"url": "https://a.example", "name": 5}), 422, "name")
    assert api.get(f"/forms/{form['id']}/webhooks").get_json()["data"] == []


def _dummy(column):
    kind = column["type"]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.DateTime):
        return "2026-12-01 10:00:00.000000"
    return "{}" if "JSON" in type(kind).__name__.upper() else "x"


def _insert(connection, table, **values):
    """A row with the given values and a placeholder in every other required column."""
    for column in sa.inspect(connection).get_columns(table):
        if column["name"] not in values and not column["nullable"] and column.get("default") is None:
            values[column["name"]] = _dummy(column)
    names = ", ".join(values)
    connection.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in values)})"), values)


def test_the_upgrade_names_existing_webhooks_after_their_host_and_keeps_their_secrets(tmp_path, redis_url):
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
    })
    with app.app_context():
        upgrade(directory=str(REPO_ROOT / "migrations"), revision="3b7c1d2e4f60")
        url = "https://crm.example/webhook?token=t0ken&campaign_name={{ campaign_name }}"
        with db.engine.begin() as connection:
            _insert(connection, "workspaces", id="ws_1")
            _insert(connection, "forms", id="frm_1", workspace_id="ws_1")
            _insert(connection, "webhooks", id="wh_1", workspace_id="ws_1", form_id="frm_1", url=encrypt(url),
                    secret=encrypt("whsec_c2VjcmV0"), headers=encrypt("{}"))
        upgrade(directory=str(REPO_ROOT / "migrations"), revision=NAMES_REVISION)
        with db.engine.connect() as connection:
            name, stored_url, secret = connection.execute(
                sa.text("SELECT name, url, secret FROM webhooks WHERE id = 'wh_1'")).one()
        db.engine.dispose()
    assert name == "crm.example"
    assert decrypt_in(app, stored_url) == url and decrypt_in(app, secret) == "whsec_c2VjcmV0"


def decrypt_in(app, token):
    with app.app_context():
        return decrypt(token)
