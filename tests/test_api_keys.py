"""API keys: bearer authentication, the CLI, Settings → API keys; hashed, shown once, revocable."""

import re

import pytest

from app.core.extensions import db
from app.models import ApiKey
from app.models.accounts import hash_api_key
from tests.api_support import ApiClient, assert_error
from tests.conftest import csrf_token_from

# Every operation of the API, with ids that need not exist: authentication comes first.
OPERATIONS = [
    ("get", "/forms"), ("post", "/forms"),
    ("get", "/forms/frm_x"), ("patch", "/forms/frm_x"), ("delete", "/forms/frm_x"),
    ("get", "/forms/frm_x/submissions"),
    ("get", "/forms/frm_x/webhooks"), ("post", "/forms/frm_x/webhooks"),
    ("get", "/webhooks/wh_x"), ("patch", "/webhooks/wh_x"), ("delete", "/webhooks/wh_x"),
    ("post", "/webhooks/wh_x/test"), ("post", "/webhooks/wh_x/rotate-secret"),
    ("get", "/webhooks/wh_x/deliveries"),
    ("get", "/deliveries/msg_x"), ("post", "/deliveries/msg_x/retry"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_needs_a_valid_unrevoked_key(app, api, method, path):
    anonymous = getattr(app.test_client(), method)(f"/api/v1{path}", json={})
    assert_error(anonymous, 401)
    wrong = ApiClient(app.test_client(), "fh_not-a-real-key", api.workspace_id)
    assert_error(getattr(wrong, method)(path, json={}), 401)
    basic = getattr(app.test_client(), method)(f"/api/v1{path}", json={},
                                               headers={"Authorization": f"Basic {api.key}"})
    assert_error(basic, 401)
    with app.app_context():
        db.session.scalars(db.select(ApiKey)).one().revoked_at = db.func.now()
        db.session.commit()
    assert_error(getattr(api, method)(path, json={}), 401)


def test_key_is_stored_hashed_and_last_use_recorded(app, api):
    assert api.get("/forms").status_code == 200
    with app.app_context():
        key = db.session.scalars(db.select(ApiKey)).one()
        assert key.key_hash == hash_api_key(api.key) and api.key not in (key.key_hash, key.prefix)
        assert key.last_used_at is not None


def test_cli_creates_a_working_key_on_the_last_line(app, runner, accounts):
    accounts.user("cli@example.com", workspace="Acme")
    result = runner.invoke(args=["apikey", "create", "--email", "cli@example.com", "--name", "ci"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    response = app.test_client().get("/api/v1/forms", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalars(db.select(ApiKey)).one().name == "ci"


def test_dashboard_creates_shows_once_lists_and_revokes(app, client, accounts):
    accounts.user()
    accounts.login(client)
    page = client.get("/settings/api-keys")
    assert page.status_code == 200 and "No API keys yet" in page.get_data(as_text=True)

    created = client.post("/settings/api-keys", data={"name": "CRM sync"})
    assert created.status_code == 303  # POST-redirect-GET
    html = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "shown only this once" in html
    plaintext = re.search(r'id="api-key-plaintext"[^>]*value="([^"]+)"', html).group(1)
    assert plaintext.startswith("fh_")
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert app.test_client().get("/api/v1/forms", headers=headers).status_code == 200

    listing = client.get("/settings/api-keys").get_data(as_text=True)
    assert "CRM sync" in listing and plaintext not in listing and plaintext[:10] in listing
    assert "never" not in listing  # used once above

    with app.app_context():
        key_id = db.session.scalars(db.select(ApiKey.id)).one()
    assert client.post(f"/settings/api-keys/{key_id}/revoke").status_code == 302
    assert "revoked" in client.get("/settings/api-keys").get_data(as_text=True)
    assert_error(app.test_client().get("/api/v1/forms", headers=headers), 401)


def test_dashboard_key_needs_a_name(client, accounts):
    accounts.user()
    accounts.login(client)
    response = client.post("/settings/api-keys", data={"name": ""})
    assert response.status_code == 422 and "fh_" not in response.get_data(as_text=True)


def test_dashboard_cannot_revoke_another_workspaces_key(app, client, accounts):
    accounts.user()
    _, other_workspace = accounts.user("stranger@example.com")
    other_key = accounts.api_key(other_workspace)
    accounts.login(client)
    with app.app_context():
        key_id = db.session.scalar(db.select(ApiKey.id).where(ApiKey.workspace_id == other_workspace))
    assert client.post(f"/settings/api-keys/{key_id}/revoke").status_code == 404
    assert "stranger" not in client.get("/settings/api-keys").get_data(as_text=True)
    assert app.test_client().get("/api/v1/forms", headers={"Authorization": f"Bearer {other_key}"}).status_code == 200


def test_dashboard_revoke_needs_csrf_token(app, client, accounts):
    _, workspace_id = accounts.user()
    key = accounts.api_key(workspace_id)
    accounts.login(client)
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        key_id = db.session.scalars(db.select(ApiKey.id)).one()
    assert client.post(f"/settings/api-keys/{key_id}/revoke").status_code == 400
    assert app.test_client().get("/api/v1/forms", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    token = csrf_token_from(client.get("/settings/api-keys").get_data(as_text=True))
    assert client.post(f"/settings/api-keys/{key_id}/revoke", data={"csrf_token": token}).status_code == 302
    assert app.test_client().get("/api/v1/forms", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_dashboard_page_needs_login(client):
    assert client.get("/settings/api-keys").status_code == 302


def test_members_revoke_only_their_own_keys(app, client, accounts):
    _, workspace_id = accounts.user("owner@example.com", workspace="Acme")
    accounts.user("member@example.com", workspace="Acme")
    owners_key = accounts.api_key(workspace_id)
    accounts.login(client, "member@example.com")
    client.post("/settings/api-keys", data={"name": "mine"})
    with app.app_context():
        keys = {key.name: key.id for key in db.session.scalars(db.select(ApiKey))}
    assert client.post(f"/settings/api-keys/{keys['default']}/revoke").status_code == 403
    assert client.post(f"/settings/api-keys/{keys['mine']}/revoke").status_code == 302
    assert app.test_client().get("/api/v1/forms", headers={"Authorization": f"Bearer {owners_key}"}).status_code == 200
