"""The API's deletions and export: DELETE /submissions/<id>, POST /erasure(/preview), GET /export."""

import json

from sqlalchemy import select

from app.core.extensions import db
from app.models import AuditEvent, Submission
from tests.api_support import ApiClient
from tests.erasure_support import EMAIL, post, team_fixture  # noqa: F401 - the `team` fixture


def _client(app, accounts, team, email):
    return ApiClient(app.test_client(), accounts.api_key(team["workspace_id"], email), team["workspace_id"])


def test_a_submission_is_deleted_once_then_404(app, client, accounts, team):
    submission_id = post(client, team["public_id"], {"name": "Ana", "email": EMAIL})
    member = _client(app, accounts, team, "member@example.com")
    assert member.delete(f"/submissions/{submission_id}").status_code == 204
    again = member.delete(f"/submissions/{submission_id}")
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "not_found"
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.action == "submission_deleted" and event.actor.startswith("API key")


def test_erasure_by_email_is_for_owners_and_admins_and_names_bad_input(app, client, accounts, team):
    post(client, team["public_id"], {"name": "Ana", "email": EMAIL})
    kept = post(client, team["public_id"], {"name": "Bob", "email": "bob@example.com"})
    member = _client(app, accounts, team, "member@example.com")
    refused = member.post("/erasure", json={"email": EMAIL})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    assert member.post("/erasure/preview", json={"email": EMAIL}).status_code == 403

    admin = _client(app, accounts, team, "admin@example.com")
    assert admin.post("/erasure", data="{", content_type="application/json").status_code == 400
    for body in ({}, {"email": 5}, {"email": "no-at-sign"}, {"email": "a b@example.com"}):
        response = admin.post("/erasure", json=body)
        assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"], body
    assert admin.post("/erasure/preview", json={"email": EMAIL}).get_json() == {
        "email": "a•••@e•••.com", "submissions": 1}
    done = admin.post("/erasure", json={"email": EMAIL})
    body = done.get_json()
    assert done.status_code == 200 and body["removed"]["submissions"] == 1 and body["email"] == "a•••@e•••.com"
    with app.app_context():
        assert db.session.scalars(select(Submission.id)).all() == [kept]
        assert EMAIL not in json.dumps(db.session.get(AuditEvent, body["id"]).changes)


def test_the_export_is_the_owners_and_holds_no_secret(app, client, accounts, team):
    post(client, team["public_id"], {"name": "Ana", "email": EMAIL})
    admin = _client(app, accounts, team, "admin@example.com")
    assert admin.get("/export").status_code == 403
    owner = _client(app, accounts, team, "owner@example.com")
    response = owner.get("/export")
    assert response.status_code == 200 and response.is_streamed
    text = response.get_data(as_text=True)
    assert "crm-token-123" not in text and "header-secret-456" not in text and "whsec_" not in text
    (form,) = json.loads(text)["forms"]
    assert [item["answers"]["email"] for item in form["submissions"]] == [EMAIL]


def test_another_workspaces_erasure_of_the_same_email_leaves_ours(app, client, accounts, team):
    ours = post(client, team["public_id"], {"name": "Ana", "email": EMAIL})
    _, stranger_workspace = accounts.user("stranger@example.com")
    stranger = ApiClient(app.test_client(), accounts.api_key(stranger_workspace), stranger_workspace)
    assert stranger.post("/erasure/preview", json={"email": EMAIL}).get_json()["submissions"] == 0
    assert stranger.post("/erasure", json={"email": EMAIL}).get_json()["removed"]["submissions"] == 0
    assert stranger.delete(f"/submissions/{ours}").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Submission.id)).all() == [ours]
