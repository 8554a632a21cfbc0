"""Settings → Data and the bulk delete in the dashboard: confirm steps, CSRF, roles, the export's contents."""

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from app.core.extensions import db
from app.files.storage import storage
from app.models import AuditEvent, StoredFile, Submission
from app.models.base import utcnow
from app.services import erasure
from tests.conftest import csrf_token_from
from tests.erasure_support import EMAIL, TEAM, post, seed, team_fixture  # noqa: F401 - the `team` fixture


def _submissions(app):
    with app.app_context():
        return db.session.scalars(select(Submission.id)).all()


def test_a_data_subject_request_previews_then_deletes_and_says_what_went(app, client, accounts, team):
    post(client, team["public_id"], {"name": "Ana", "email": EMAIL})
    post(client, team["public_id"], {"name": "Ana", "email": EMAIL, "note": "again"})
    kept = post(client, team["public_id"], {"name": "Bob", "email": "bob@example.com"})
    accounts.login(client, "admin@example.com")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/settings/data")
    token = csrf_token_from(page.get_data(as_text=True))
    assert client.post("/settings/data/erase", data={"email": EMAIL}).status_code == 400  # no CSRF token

    invalid = client.post("/settings/data/erase", data={"csrf_token": token, "email": "not an address"})
    assert invalid.status_code == 422 and "enter a valid email address" in invalid.get_data(as_text=True)
    preview = client.post("/settings/data/erase", data={"csrf_token": token, "email": EMAIL})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "2 submissions in this workspace hold this address." in html
    assert len(_submissions(app)) == 3, "the preview deleted something"

    done = client.post("/settings/data/erase", data={"csrf_token": csrf_token_from(html), "email": EMAIL,
                                                     "confirmed": "yes"}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Deleted everything held about a•••@e•••.com: 2 submissions, 0 files" in html
    assert "Data of a•••@e•••.com, on request" in html and EMAIL not in html
    assert _submissions(app) == [kept]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
        assert event.actor == "admin@example.com" and EMAIL not in json.dumps(event.changes)


def test_members_may_not_delete_in_bulk_or_on_request_and_only_owners_export(app, client, accounts, team):
    post(client, team["public_id"], {"name": "Ana", "email": EMAIL})
    bulk = f"/forms/{team['form_id']}/submissions/delete"
    accounts.login(client, "member@example.com")
    assert "Only owners and admins delete data on request." in client.get("/settings/data").get_data(as_text=True)
    assert client.post("/settings/data/erase", data={"email": EMAIL, "confirmed": "yes"}).status_code == 403
    assert client.get(bulk).status_code == 403 and client.post(bulk).status_code == 403
    for role in ("member", "admin"):
        accounts.login(client, f"{role}@example.com")
        assert client.get("/settings/data/export.json").status_code == 403
        assert client.get("/settings/data/export.zip").status_code == 403
    assert len(_submissions(app)) == 1


def _stored(app, team, name, days_ago, status="accepted"):
    with app.app_context():
        submission = Submission(workspace_id=team["workspace_id"], form_id=team["form_id"], status=status,
                                answers={"name": name}, meta={}, created_at=utcnow() - timedelta(days=days_ago))
        db.session.add(submission)
        db.session.commit()
        return submission.id


def test_bulk_delete_takes_the_lists_filters_and_asks_first(app, client, accounts, team, monkeypatch):
    monkeypatch.setattr(erasure, "BATCH", 1)  # one submission per transaction: the batches follow each other
    old, older = _stored(app, team, "Old", 10), _stored(app, team, "Older", 20)
    recent, held = _stored(app, team, "Recent", 1), _stored(app, team, "Held", 15, status="spam")
    accounts.login(client)
    app.config["WTF_CSRF_ENABLED"] = True
    since, until = (utcnow() - timedelta(days=25)).date(), (utcnow() - timedelta(days=5)).date()
    url = f"/forms/{team['form_id']}/submissions/delete?from={since}&to={until}"
    listing = client.get(f"/forms/{team['form_id']}/submissions?from={since}&to={until}").get_data(as_text=True)
    assert "Delete all these submissions…" in listing
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert "Delete 2 submissions to “Leads”?" in html and f"From: {since}" in html
    assert client.post(url).status_code == 400  # no CSRF token
    done = client.post(url, data={"csrf_token": csrf_token_from(html)}, follow_redirects=True)
    assert "Deleted 2 submissions, 0 files" in done.get_data(as_text=True)
    assert sorted(_submissions(app)) == sorted([recent, held])
    assert old not in _submissions(app) and older not in _submissions(app)
    assert "Delete all spam…" in client.get(f"/forms/{team['form_id']}/spam").get_data(as_text=True)
    spam = client.get(f"/forms/{team['form_id']}/submissions/delete?status=spam").get_data(as_text=True)
    assert "Delete 1 submission to “Leads”?" in spam
    client.post(f"/forms/{team['form_id']}/submissions/delete?status=spam", data={"csrf_token": csrf_token_from(spam)})
    assert _submissions(app) == [recent]
    assert client.get(f"/forms/{team['form_id']}/submissions/delete?status=gone").status_code == 400


def _export_is_clean(text):
    for secret in ("crm-token-123", "header-secret-456", "whsec_", "test-secret"):
        assert secret not in text


def test_the_owner_downloads_everything_without_secrets(app, client, accounts, team):
    post(client, team["public_id"], {"name": "Zoë", "email": EMAIL})
    _stored(app, team, "Held", 1, status="spam")
    accounts.login(client)
    response = client.get("/settings/data/export.json")
    assert response.is_streamed and response.headers["Content-Disposition"].endswith('"formhook-export.json"')
    text = response.get_data(as_text=True)
    _export_is_clean(text)
    export = json.loads(text)
    (form,) = export["forms"]
    assert export["format"] == "formhook-export/1" and export["workspace"]["name"] == TEAM
    assert [field["key"] for field in form["fields"]] == ["name", "email", "note"]
    assert sorted(item["status"] for item in form["submissions"]) == ["accepted", "spam"]
    (webhook,) = form["webhooks"]
    assert webhook["url"] == "http://127.0.0.1:9/hook?token=••••••" and "secret" not in webhook
    assert webhook["headers"] == {"Authorization": "••••••", "X-Campaign": "spring"}
    assert webhook["attach_files"] is False and webhook["rate_limit"] is None  # every setting but the secret

    archive = client.get("/settings/data/export.zip")
    assert archive.is_streamed and archive.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.get_data())) as unpacked:
        names = unpacked.namelist()
        assert names == ["formhook-export.json", f"submissions/{team['public_id']}.csv"]
        _export_is_clean(unpacked.read(names[0]).decode())
        csv_text = unpacked.read(names[1]).decode("utf-8-sig")
    assert "Zoë" in csv_text and "Held" not in csv_text  # the CSV holds what the list shows: accepted ones


def test_the_zip_carries_every_uploaded_file(app, client, accounts, receiver):
    seeded = seed(app, client, accounts, receiver)
    accounts.login(client)
    with zipfile.ZipFile(io.BytesIO(client.get("/settings/data/export.zip").get_data())) as unpacked:
        files = {name: unpacked.read(name) for name in unpacked.namelist() if name.startswith("files/")}
        answers = [item for form in json.loads(unpacked.read("formhook-export.json"))["forms"]
                   for item in form["submissions"]]
    with app.app_context():
        rows = db.session.scalars(select(StoredFile).where(StoredFile.workspace_id == seeded.workspace_id))
        stored = {f"files/{row.id}/{row.name}": storage().get(row.storage_key) for row in rows}
    assert len(stored) == 3 and files == stored
    named = {item["id"] for answer in answers for item in answer["answers"].get("cv") or []}
    assert {name.split("/")[1] for name in files} == named  # each file is the one its answer names
