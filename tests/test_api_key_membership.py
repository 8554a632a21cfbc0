"""An API key acts only while its creator is a member of its workspace: removal or leaving revokes it."""

import re

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app import create_app
from app.core.config import REPO_ROOT
from app.core.extensions import db
from app.models import ApiKey, Membership, User, Workspace
from app.models.base import utcnow
from tests.conftest import make_form, make_webhook
from tests.test_teams import membership_id

KEY_PATTERN = re.compile(r"fh_[A-Za-z0-9_-]{40,}")


def cli_key(runner, email, workspace):
    result = runner.invoke(args=["apikey", "create", "--email", email, "--workspace", workspace, "--name", "cli"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def dashboard_key(client, name):
    page = client.post("/settings/api-keys", data={"name": name}, follow_redirects=True).get_data(as_text=True)
    match = KEY_PATTERN.search(page)
    assert match, "the new key is shown once"
    return match.group(0)


def statuses(app, keys, form_id):
    """The answers to listing forms and a form's webhooks with each key."""
    client = app.test_client()
    answers = []
    for key in keys:
        headers = {"Authorization": f"Bearer {key}"}
        answers.append(client.get("/api/v1/forms", headers=headers).status_code)
        answers.append(client.get(f"/api/v1/forms/{form_id}/webhooks", headers=headers).status_code)
    return answers


def acme_with_member(app, accounts, runner, client):
    """Acme (owner + member) with a form and a webhook; the member holds a CLI and a dashboard key."""
    _, acme = accounts.user("owner@example.com", "Acme")
    accounts.user("member@example.com", "Acme")
    form_id, _ = make_form(app, acme)
    make_webhook(app, form_id, "http://127.0.0.1:9/hook")
    keys = [cli_key(runner, "member@example.com", "Acme")]
    accounts.login(client, "member@example.com")
    keys.append(dashboard_key(client, "dashboard"))
    client.post("/logout")
    assert statuses(app, keys, form_id) == [200, 200, 200, 200]
    return acme, form_id, keys


def test_removing_a_member_revokes_their_cli_and_dashboard_keys_at_once(app, client, accounts, runner):
    acme, form_id, keys = acme_with_member(app, accounts, runner, client)
    owners_key = accounts.api_key(acme, "owner@example.com")
    accounts.login(client, "owner@example.com")
    removed = client.post(f"/workspace/members/{membership_id(app, 'member@example.com', acme)}/remove")
    assert removed.status_code == 302

    assert statuses(app, keys, form_id) == [401, 401, 401, 401]
    assert statuses(app, [owners_key], form_id) == [200, 200]  # only the removed member's keys stop
    with app.app_context():
        rows = db.session.scalars(select(ApiKey).join(User).where(User.email == "member@example.com")).all()
        assert len(rows) == 2 and all(row.revoked_at is not None for row in rows)


def test_leaving_a_workspace_revokes_your_keys_there(app, client, accounts, runner):
    acme, form_id, keys = acme_with_member(app, accounts, runner, client)
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == "member@example.com"))
        db.session.add(Membership(user=member, workspace=Workspace(name="Own"), role="owner"))
        db.session.commit()
    accounts.login(client, "member@example.com")
    left = client.post(f"/workspace/members/{membership_id(app, 'member@example.com', acme)}/remove")
    assert left.status_code == 302
    assert statuses(app, keys, form_id) == [401, 401, 401, 401]


def test_a_key_whose_creator_is_gone_never_acts_even_unrevoked(app, client, accounts, runner):
    """Checked at use time: a membership deleted behind the app's back, or a deleted account."""
    acme, form_id, keys = acme_with_member(app, accounts, runner, client)
    with app.app_context():
        membership = db.session.get(Membership, membership_id(app, "member@example.com", acme))
        db.session.delete(membership)
        db.session.commit()
        assert all(row.revoked_at is None for row in db.session.scalars(select(ApiKey)))
    assert statuses(app, keys, form_id) == [401, 401, 401, 401]

    owners_key = accounts.api_key(acme, "owner@example.com")
    with app.app_context():
        key = db.session.scalar(select(ApiKey).join(User).where(User.email == "owner@example.com"))
        key.user_id = None  # what deleting the account leaves (ON DELETE SET NULL)
        db.session.commit()
    assert statuses(app, [owners_key], form_id) == [401, 401]


def test_api_keys_page_shows_whose_key_is_whose(app, client, accounts, runner):
    acme_with_member(app, accounts, runner, client)
    accounts.login(client, "owner@example.com")
    dashboard_key(client, "owner's key")
    page = client.get("/settings/api-keys").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    owners = {
        re.search(r"<td>([^<]*)</td>", row).group(1): re.search(r'class="api-key-owner">([^<]*)<', row).group(1)
        for row in rows if "api-key-owner" in row
    }
    assert owners == {"owner&#39;s key": "owner@example.com", "cli": "member@example.com",
                      "dashboard": "member@example.com"}


REVOKING_REVISION = "7a1c5e9b2d40"


def _revision_before(revision):
    config = Config()
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def test_upgrade_revokes_keys_of_members_removed_before_it(tmp_path, redis_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}",
                      "REDIS_URL": redis_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    migrations = str(REPO_ROOT / "migrations")
    with app.app_context():
        upgrade(directory=migrations)
        downgrade(directory=migrations, revision=_revision_before(REVOKING_REVISION))
        # rows as the schema of that revision has them (today's models carry later columns)
        now = utcnow()
        rows = {
            "workspaces": [{"id": "w1", "name": "Acme", "created_at": now}],
            "users": [{"id": uid, "email": f"{uid}@example.com", "password_hash": "x", "session_token": uid,
                       "created_at": now} for uid in ("stays", "left")],
            "memberships": [{"id": "m1", "user_id": "stays", "workspace_id": "w1", "role": "member",
                             "created_at": now}],
        }
        for table, values in rows.items():
            columns = ", ".join(values[0])
            db.session.execute(text(f"INSERT INTO {table} ({columns}) VALUES "
                                    f"({', '.join(':' + name for name in values[0])})"), values)
        for name, user_id in (("kept", "stays"), ("stale", "left"), ("orphan", None)):
            key, _ = ApiKey.generate("w1", user_id, name)
            db.session.execute(text(
                "INSERT INTO api_keys (id, workspace_id, user_id, name, prefix, key_hash, created_at) "
                "VALUES (:id, 'w1', :user_id, :name, :prefix, :key_hash, :at)"
            ), {"id": f"k-{name}", "user_id": user_id, "name": name, "prefix": key.prefix,
                "key_hash": key.key_hash, "at": now})
        db.session.commit()
        upgrade(directory=migrations)
        db.session.expire_all()
        revoked = {key.name: key.revoked_at is not None for key in db.session.scalars(select(ApiKey))}
        db.engine.dispose()
    assert revoked == {"kept": False, "stale": True, "orphan": True}
