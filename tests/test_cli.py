"""`flask user create` and `flask apikey create` (CONTRACT.md §1)."""

from app.core.extensions import db
from app.models import ApiKey, Membership, User, Workspace
from app.models.accounts import hash_api_key


def test_user_create_makes_user_and_workspace_then_joins_existing(app, runner):
    for email in ("a@example.com", "b@example.com"):
        args = ["user", "create", "--email", email, "--password", "long enough", "--workspace", "Acme"]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(db.select(Workspace)).one().name == "Acme"
        roles = {m.user.email: m.role for m in db.session.scalars(db.select(Membership))}
        assert roles == {"a@example.com": "owner", "b@example.com": "member"}


def test_user_create_refuses_duplicates_and_short_passwords(app, runner):
    runner.invoke(args=["user", "create", "--email", "a@example.com", "--password", "long enough"])
    again = runner.invoke(args=["user", "create", "--email", "a@example.com", "--password", "long enough"])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["user", "create", "--email", "c@example.com", "--password", "short"])
    assert short.exit_code != 0
    with app.app_context():
        assert db.session.scalars(db.select(User.email)).all() == ["a@example.com"]


def test_apikey_create_prints_key_last_and_stores_only_its_hash(app, runner, client):
    runner.invoke(args=["user", "create", "--email", "a@example.com", "--password", "long enough",
                        "--workspace", "Acme"])
    result = runner.invoke(args=["apikey", "create", "--email", "a@example.com", "--workspace", "Acme", "--name", "ci"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("fh_") and len(key) > 30
    with app.app_context():
        row = db.session.scalars(db.select(ApiKey)).one()
        assert row.name == "ci" and row.key_hash == hash_api_key(key) and key not in (row.key_hash, row.prefix)
    assert client.get("/api/v1/forms", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.get("/api/v1/forms", headers={"Authorization": "Bearer fh_wrong"}).status_code == 401


def test_apikey_create_for_unknown_user_fails(app, runner):
    result = runner.invoke(args=["apikey", "create", "--email", "ghost@example.com"])
    assert result.exit_code != 0 and "no user" in result.output
