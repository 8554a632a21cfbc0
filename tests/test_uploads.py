"""File uploads end to end without a browser: intake limits, storage (disk and S3), links, webhooks, dashboard."""

import base64
import hashlib
import hmac
import io
import json
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from standardwebhooks.webhooks import Webhook as Verifier
from werkzeug.wrappers import Request

from app.core.extensions import db
from app.files.storage import LocalStorage, storage
from app.models import StoredFile, Submission, Webhook
from app.models.base import utcnow
from app.services import file_sweep
from tests.conftest import csrf_token_from, drain, make_form, make_webhook
from tests.upload_support import HTML_PAYLOAD, as_rows, docx_bytes, pdf_bytes, png_bytes, s3_objects, use_s3

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "cv", "label": "CV", "type": "file", "required": True},
    {"key": "photos", "label": "Photos", "type": "file", "max_files": 2, "accept": ["image"]},
]
PDF, PNG = pdf_bytes(), png_bytes()


@pytest.fixture(params=["local", "s3"])
def backend(request, app):
    """The app's storage: instance/uploads, or the moto S3 server named by STORAGE_URL."""
    if request.param == "s3":
        use_s3(app, request.getfixturevalue("s3_server"))
    app.extensions.pop("storage", None)
    return request.param


def _owner_form(app, accounts, fields=FIELDS):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, as_rows(fields))
    return workspace_id, form_id, public_id


def post(client, public_id, files, answers=None, json_client=True):
    data = {"name": "Ana", **(answers or {})}
    for key, items in files.items():
        data[key] = [(io.BytesIO(content), name) for name, content in items]
    headers = {"Accept": "application/json"} if json_client else {}
    return client.post(f"/f/{public_id}", data=data, content_type="multipart/form-data", headers=headers)


def _rows(app):
    with app.app_context():
        rows = db.session.scalars(select(StoredFile)).all()
        db.session.expunge_all()
        return rows


def _stored_keys(app, backend):
    with app.app_context():
        rows = db.session.scalars(select(StoredFile.storage_key)).all()
        return {key: storage().get(key) for key in rows}


def test_a_submission_keeps_its_files_and_the_webhook_links_return_the_same_bytes(
    app, client, accounts, receiver, backend,
):
    workspace_id, form_id, public_id = _owner_form(app, accounts)
    webhook_id = make_webhook(app, form_id, receiver.url + "/hook")
    response = post(client, public_id, {"cv": [("../../CV Ana.pdf", PDF)], "photos": [("me.png", PNG)]})
    assert response.status_code == 201, response.get_json()
    drain(app)

    request = receiver.wait_for(1)[0]
    with app.app_context():
        secret = db.session.get(Webhook, webhook_id).secret
    answers = Verifier(secret).verify(request.text, request.headers)["data"]["submission"]["answers"]
    (cv,), (photo,) = answers["cv"], answers["photos"]
    assert cv["name"] == "CV Ana.pdf" and cv["size"] == len(PDF) and cv["content_type"] == "application/pdf"
    assert photo["content_type"] == "image/png"
    assert cv["url"].startswith(app.config["BASE_URL"] + "/files/")
    fetched = client.get(cv["url"].removeprefix(app.config["BASE_URL"]))
    assert fetched.status_code == 200 and fetched.data == PDF
    assert fetched.headers["Content-Disposition"].startswith("attachment")
    assert fetched.headers["X-Content-Type-Options"] == "nosniff"
    assert fetched.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert client.get(photo["url"].removeprefix(app.config["BASE_URL"])).data == PNG
    stored = _stored_keys(app, backend)
    assert sorted(stored.values()) == sorted([PDF, PNG])
    assert all(key.startswith(workspace_id + "/") for key in stored)
    if backend == "s3":
        prefix = app.config["STORAGE_URL"].split("/", 3)[3] + "/"
        assert set(stored) == {key.removeprefix(prefix) for key in s3_objects(app.config, prefix)}


def test_a_tampered_or_expired_link_is_refused(app, client, accounts):
    _, _, public_id = _owner_form(app, accounts)
    assert post(client, public_id, {"cv": [("cv.pdf", PDF)]}).status_code == 201
    with app.app_context():
        from app.files.links import signed_url

        row = db.session.scalars(select(StoredFile)).one()
        url = signed_url(row.to_dict()).removeprefix(app.config["BASE_URL"])
    token = url.split("/")[2]
    assert client.get(url).data == PDF
    forged = url.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert client.get(forged).status_code == 403
    other = url.replace(token, token.replace(token.split(".")[0], "ImZpbF9vdGhlciI"))
    assert client.get(other).status_code == 403
    app.config["FILE_URL_TTL"] = -1  # every link is now older than allowed
    expired = client.get(url)
    assert expired.status_code == 410 and expired.get_json()["error"]["code"] == "link_expired"


@pytest.mark.app_config(UPLOAD_MAX_BYTES=2048)
def test_an_oversize_file_is_413_naming_the_field_and_nothing_is_kept(app, client, accounts):
    _, _, public_id = _owner_form(app, accounts)
    response = post(client, public_id, {"cv": [("big.pdf", b"%PDF-1.4\n" + b"x" * 4096)]})
    assert response.status_code == 413
    assert "cv" in response.get_json()["error"]["fields"]
    page = post(client, public_id, {"cv": [("big.pdf", b"%PDF-1.4\n" + b"x" * 4096)]}, json_client=False)
    assert page.status_code == 413 and "big.pdf is larger than 2.0 KB" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Submission)).all() == []
    assert _rows(app) == []


@pytest.mark.parametrize(("name", "content", "why"), [
    ("cv.pdf", HTML_PAYLOAD, "is not a .pdf file"),
    ("cv.png", PDF, "is not a .png file"),
    ("cv.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an allowed kind"),
    ("cv.exe", b"MZ\x90\x00", "not an allowed kind"),
    ("cv", PDF, "not an allowed kind"),
])
def test_a_file_whose_kind_is_wrong_is_422_naming_the_field(app, client, accounts, name, content, why):
    _, _, public_id = _owner_form(app, accounts)
    response = post(client, public_id, {"cv": [(name, content)]})
    assert response.status_code == 422
    assert why in response.get_json()["error"]["fields"]["cv"]
    assert _rows(app) == []


def test_kinds_counts_and_presence_are_checked(app, client, accounts):
    _, _, public_id = _owner_form(app, accounts)
    missing = post(client, public_id, {})
    assert missing.status_code == 422 and missing.get_json()["error"]["fields"]["cv"] == "choose a file"
    too_many = post(client, public_id, {"cv": [("a.pdf", PDF)], "photos": [("a.png", PNG)] * 3})
    assert too_many.status_code == 422 and "at most 2 files" in too_many.get_json()["error"]["fields"]["photos"]
    narrowed = post(client, public_id, {"cv": [("a.pdf", PDF)], "photos": [("a.pdf", PDF)]})
    assert narrowed.status_code == 422 and "photos" in narrowed.get_json()["error"]["fields"]
    office = post(client, public_id, {"cv": [("cv.docx", docx_bytes())]})
    assert office.status_code == 201
    assert _rows(app)[0].content_type.endswith("wordprocessingml.document")


@pytest.mark.app_config(SUBMISSION_MAX_BYTES=4096)
def test_submission_max_bytes_limits_the_answers_not_the_files(app, client, accounts):
    _, _, public_id = _owner_form(app, accounts)
    big_file = b"%PDF-1.4\n" + b"x" * 20_000
    assert post(client, public_id, {"cv": [("cv.pdf", big_file)]}).status_code == 201
    assert post(client, public_id, {"cv": [("cv.pdf", PDF)]}, {"name": "x" * 5000}).status_code == 413


@pytest.mark.app_config(QUOTA_STORAGE_BYTES=3000)
def test_the_storage_quota_is_a_413_naming_the_field(app, client, accounts):
    _, _, public_id = _owner_form(app, accounts)
    assert post(client, public_id, {"cv": [("a.pdf", b"%PDF-1.4\n" + b"x" * 2000)]}).status_code == 201
    over = post(client, public_id, {"cv": [("b.pdf", b"%PDF-1.4\n" + b"x" * 2000)]})
    assert over.status_code == 413
    body = over.get_json()["error"]
    assert body["code"] == "storage_quota_exceeded" and "cv" in body["fields"]
    assert len(_rows(app)) == 1


def test_a_submission_that_fails_to_commit_leaves_no_file_behind(app, client, accounts, backend):
    _, _, public_id = _owner_form(app, accounts)
    before = set(_all_objects(app))

    def refuse(session, flush_context, instances):
        raise OperationalError("INSERT", {}, Exception("database went away"))

    with app.app_context():
        event.listen(db.session, "before_flush", refuse)
    try:
        response = post(client, public_id, {"cv": [("cv.pdf", PDF)]})
    finally:
        with app.app_context():
            event.remove(db.session, "before_flush", refuse)
    assert response.status_code == 503
    assert set(_all_objects(app)) == before
    assert _rows(app) == []


def _all_objects(app):
    with app.app_context():
        far_future = utcnow() + timedelta(days=3650)
        return list(storage().keys_older_than(far_future))


def test_the_orphan_sweep_removes_unnamed_objects_older_than_a_day(app, client, accounts, tmp_path):
    app.extensions["storage"] = LocalStorage(tmp_path)
    workspace_id, _, public_id = _owner_form(app, accounts)
    assert post(client, public_id, {"cv": [("cv.pdf", PDF)]}).status_code == 201
    named = _rows(app)[0].storage_key
    with app.app_context():
        storage().put(f"{workspace_id}/fil_old", b"orphan", "application/pdf")
        storage().put(f"{workspace_id}/fil_new", b"just written", "application/pdf")
    day_and_more = time.time() - 90_000
    for key in (named, f"{workspace_id}/fil_old"):
        os.utime(tmp_path / key, (day_and_more, day_and_more))
    with app.app_context():
        assert file_sweep.sweep_orphans() == 1
    assert sorted(p.name for p in (tmp_path / workspace_id).iterdir()) == sorted([named.split("/")[1], "fil_new"])
    assert file_sweep.sweep_orphans_hourly(app) == 0
    assert file_sweep.sweep_orphans_hourly(app) is None  # once an hour across workers


def test_the_orphan_sweep_works_on_s3(app, client, accounts, s3_server):
    use_s3(app, s3_server)
    workspace_id, _, public_id = _owner_form(app, accounts)
    assert post(client, public_id, {"cv": [("cv.pdf", PDF)]}).status_code == 201
    with app.app_context():
        storage().put(f"{workspace_id}/fil_orphan", b"orphan", "application/pdf")
        assert file_sweep.sweep_orphans(now=utcnow() + timedelta(days=2)) == 1
        assert f"{workspace_id}/fil_orphan" not in list(storage().keys_older_than(utcnow() + timedelta(days=2)))
        assert storage().get(_rows(app)[0].storage_key) == PDF


def test_a_multipart_webhook_with_attachments_receives_the_files(app, client, accounts, receiver):
    _, form_id, public_id = _owner_form(app, accounts)
    attaching = make_webhook(app, form_id, receiver.url + "/multipart", format="multipart", attach_files=True)
    make_webhook(app, form_id, receiver.url + "/links", format="multipart")
    assert post(client, public_id, {"cv": [("cv.pdf", PDF)], "photos": [("a.png", PNG)]}).status_code == 201
    drain(app)
    by_path = {request.path: request for request in receiver.wait_for(2)}
    with app.app_context():
        secret = db.session.get(Webhook, attaching).secret
    _verify_bytes(secret, by_path["/multipart"])
    attached = _parsed(by_path["/multipart"])
    assert attached.files["cv"].read() == PDF and attached.files["cv"].filename == "cv.pdf"
    assert attached.files["cv"].mimetype == "application/pdf"
    assert attached.files["photos"].read() == PNG
    assert attached.form["cv"].startswith(app.config["BASE_URL"] + "/files/")
    links_only = _parsed(by_path["/links"])
    assert not links_only.files and links_only.form["cv"].startswith(app.config["BASE_URL"] + "/files/")


def _verify_bytes(secret, received):
    """The Standard Webhooks signature, checked over the raw bytes (the body holds binary files)."""
    key = base64.b64decode(secret.removeprefix("whsec_") + "==")
    headers = received.headers
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + received.body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert expected in headers["webhook-signature"].split()


def _parsed(received):
    return Request.from_values(
        input_stream=io.BytesIO(received.body), content_length=len(received.body),
        content_type=received.headers["content-type"], method="POST",
    )


def test_templates_read_a_file_answer_by_name_and_link(app, client, accounts, receiver):
    _, form_id, public_id = _owner_form(app, accounts)
    body = '{"cv": "{{ cv.url }}", "name": "{{ cv.name }}", "size": {{ cv.size }}, "all": "{{ cv }}"}'
    make_webhook(app, form_id, receiver.url + "/t?file={{ cv.name }}", body_template=body)
    assert post(client, public_id, {"cv": [("Zoë & CV.pdf", PDF)]}).status_code == 201
    drain(app)
    request = receiver.wait_for(1)[0]
    assert request.query["file"] == ["Zoë & CV.pdf"]
    body = json.loads(request.text)
    assert body["name"] == "Zoë & CV.pdf" and body["size"] == len(PDF)
    assert body["cv"] == body["all"] and body["cv"].startswith(app.config["BASE_URL"] + "/files/")


def test_saving_a_template_with_file_names_warns_only_about_unknown_ones(api):
    form = api.create_form(fields=FIELDS)
    response = api.post(f"/forms/{form['id']}/webhooks", json={
        "url": "https://crm.example/hook?cv={{ cv.url }}&n={{ cv.name }}&x={{ cv.colour }}",
    })
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["warnings"] == ["unknown name 'cv.colour' renders as empty"]


def test_the_api_shows_file_settings_and_file_objects_with_links(app, client, api):
    form = api.create_form(fields=FIELDS)
    cv = next(field for field in form["fields"] if field["key"] == "cv")
    assert cv["max_files"] == 1 and cv["accept"] == ["image", "pdf", "office"]
    bad = api.post("/forms", json={"name": "x", "fields": [
        {"key": "f", "label": "F", "type": "file", "max_files": 0, "accept": ["exe"]}]})
    assert set(bad.get_json()["error"]["fields"]) == {"fields[0].max_files", "fields[0].accept"}
    assert post(client, form["public_id"], {"cv": [("cv.pdf", PDF)]}).status_code == 201
    (submission,) = api.get(f"/forms/{form['id']}/submissions").get_json()["data"]
    (item,) = submission["answers"]["cv"]
    assert set(item) == {"id", "name", "size", "content_type", "url"}
    assert client.get(item["url"].removeprefix(app.config["BASE_URL"])).data == PDF
    hooked = api.post(f"/forms/{form['id']}/webhooks", json={
        "url": "https://crm.example/hook", "format": "multipart", "attach_files": True})
    assert hooked.get_json()["attach_files"] is True


def test_the_dashboard_lists_downloads_exports_and_deletes_files(app, client, accounts, backend):
    _, form_id, public_id = _owner_form(app, accounts)
    assert post(client, public_id, {"cv": [("cv.pdf", PDF)], "photos": [("me.png", PNG)]}).status_code == 201
    rows = {row.field_key: row for row in _rows(app)}
    download = f"/uploads/{rows['cv'].id}"
    assert client.get(download).status_code == 302  # the workspace's login first
    accounts.login(client)
    with app.app_context():
        submission_id = db.session.scalars(select(Submission.id)).one()
    page = client.get(f"/forms/{form_id}/submissions/{submission_id}").get_data(as_text=True)
    assert f'href="{download}"' in page and f'src="/uploads/{rows["photos"].id}?thumb=1"' in page
    got = client.get(download)
    assert got.data == PDF and got.headers["Content-Disposition"].startswith("attachment")
    thumb = client.get(f"/uploads/{rows['photos'].id}?thumb=1")
    assert thumb.headers["Content-Disposition"].startswith("inline") and thumb.mimetype == "image/png"
    assert client.get(f"/uploads/{rows['cv'].id}?thumb=1").headers["Content-Disposition"].startswith("attachment")
    csv_text = client.get(f"/forms/{form_id}/submissions.csv").get_data(as_text=True)
    assert f"http://localhost/uploads/{rows['cv'].id}" in csv_text

    confirm = client.get(f"/forms/{form_id}/submissions/{submission_id}/delete").get_data(as_text=True)
    deleted = client.post(f"/forms/{form_id}/submissions/{submission_id}/delete",
                          data={"csrf_token": csrf_token_from(confirm) if "csrf_token" in confirm else ""})
    assert deleted.status_code == 302
    assert _rows(app) == []
    with app.app_context():
        for row in rows.values():
            with pytest.raises(KeyError):
                storage().get(row.storage_key)


@pytest.mark.app_config(STORAGE_URL=None)
def test_a_file_of_any_kind_is_kept_as_an_opaque_download(app, client, accounts):
    fields = [{"key": "name", "label": "Name", "type": "text"},
              {"key": "cv", "label": "Anything", "type": "file", "accept": ["any"]}]
    _, _, public_id = _owner_form(app, accounts, fields)
    assert post(client, public_id, {"cv": [("page.html", HTML_PAYLOAD)]}).status_code == 201
    assert post(client, public_id, {"cv": [("real.pdf", PDF)]}).status_code == 201
    types = sorted(row.content_type for row in _rows(app))
    assert types == ["application/octet-stream", "application/pdf"]
