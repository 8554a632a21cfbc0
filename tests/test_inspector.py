"""The request inspector: capture URLs record requests, keep 100, cap size, expire, stay in their workspace."""

from datetime import UTC, datetime, timedelta

import pytest

from app.core.extensions import db
from app.inspector import store
from app.models import AuditEvent, CaptureBin, CapturedRequest, Webhook
from tests.conftest import csrf_token_from, make_form, make_webhook


def _new_bin(client, name="CRM test"):
    response = client.post("/inspector", data={"name": name})
    assert response.status_code == 302
    bin_id = response.headers["Location"].rsplit("/", 1)[1]
    return bin_id


def _token(app, bin_id):
    with app.app_context():
        return db.session.get(CaptureBin, bin_id).token


def test_capture_records_method_path_query_headers_and_body(app, client, accounts):
    accounts.user()
    accounts.login(client)
    bin_id = _new_bin(client)
    token = _token(app, bin_id)
    response = client.put(f"/in/{token}/leads?source=ads", data=b'{"a": 1}',
                          headers={"Content-Type": "application/json", "X-Trace": "t1"})
    assert response.status_code == 200 and response.get_json()["ok"] is True

    data = client.get(f"/inspector/{bin_id}/requests.json").get_json()["data"]
    (item,) = data
    assert item["method"] == "PUT" and item["path"] == f"/in/{token}/leads" and item["query"] == "source=ads"
    assert item["headers"]["X-Trace"] == "t1" and item["body"] == '{"a": 1}' and item["size"] == 8
    assert client.get(f"/inspector/{bin_id}/requests.json?after={item['id']}").get_json()["data"] == []
    page = client.get(f"/inspector/{bin_id}").get_data(as_text=True)
    assert f"/in/{token}" in page and "X-Trace" in page


def test_keeps_the_newest_100_by_default():
    from app.core.config import Config

    assert Config().INSPECTOR_KEEP_REQUESTS == 100


@pytest.mark.app_config(INSPECTOR_MAX_BODY=10, INSPECTOR_KEEP_REQUESTS=5)
def test_keeps_the_newest_requests_and_caps_the_body(app, client, accounts):
    accounts.user()
    accounts.login(client)
    bin_id = _new_bin(client)
    token = _token(app, bin_id)
    for number in range(8):
        client.post(f"/in/{token}", data=f"request number {number}")
    with app.app_context():
        kept = db.session.scalars(
            db.select(CapturedRequest).where(CapturedRequest.bin_id == bin_id).order_by(CapturedRequest.id)
        ).all()
    assert [row.size for row in kept] == [len(f"request number {n}") for n in range(3, 8)]
    assert kept[0].body == "request nu" and kept[0].truncated


def test_expired_capture_urls_stop_recording_and_are_purged(app, client, accounts):
    accounts.user()
    accounts.login(client)
    bin_id = _new_bin(client)
    token = _token(app, bin_id)
    client.post(f"/in/{token}", data="x")
    with app.app_context():
        db.session.get(CaptureBin, bin_id).expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert client.post(f"/in/{token}", data="late").status_code == 404
    client.get("/inspector")
    with app.app_context():
        assert db.session.get(CaptureBin, bin_id) is None
        assert db.session.scalars(db.select(CapturedRequest)).all() == []
    assert client.post("/in/no-such-token", data="x").status_code == 404


def test_capture_urls_live_seven_days(app, accounts):
    _, workspace_id = accounts.user()
    with app.app_context():
        capture_bin = store.create_bin(workspace_id, "x")
        db.session.commit()
        lifetime = capture_bin.expires_at - capture_bin.created_at
    assert timedelta(days=7) - timedelta(seconds=5) < lifetime <= timedelta(days=7)


def test_copy_deliveries_keeps_the_webhook_url_and_audits_it(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "https://crm.example/hook?c={{ campaign_name }}")
    accounts.login(client)
    bin_id = _new_bin(client)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/inspector/{bin_id}/copy", data={"webhook_id": webhook_id}).status_code == 400
    token = csrf_token_from(client.get(f"/inspector/{bin_id}").get_data(as_text=True))
    response = client.post(f"/inspector/{bin_id}/copy", data={"webhook_id": webhook_id, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"?webhook={webhook_id}")
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert webhook.url == "https://crm.example/hook?c={{ campaign_name }}"  # the templated query survives
        assert webhook.mirror_bin_id == bin_id
        event = db.session.scalars(db.select(AuditEvent)).one()
        assert (event.actor, event.action) == ("owner@example.com", "copy started")
        assert event.changes == {"copies_to": {"from": None, "to": "CRM test"}}
    page = client.get(f"/inspector/{bin_id}?webhook={webhook_id}").get_data(as_text=True)
    assert f'<option selected value="{webhook_id}">' in page  # the picker keeps its choice
    response = client.post(f"/inspector/{bin_id}/copy/{webhook_id}/stop", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).mirror_bin_id is None


@pytest.mark.parametrize("host", ["169.254.169.254", "[::1", "evil.example"])
def test_a_forged_host_header_is_never_stored_or_shown(app, client, accounts, host):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, "https://crm.example/hook")
    accounts.login(client)
    bin_id = _new_bin(client)
    response = client.post(f"/inspector/{bin_id}/copy", data={"webhook_id": webhook_id}, headers={"Host": host})
    assert response.status_code in (302, 400)
    page = client.get(f"/inspector/{bin_id}").get_data(as_text=True)
    assert f"{app.config['BASE_URL']}/in/{_token(app, bin_id)}" in page  # built from BASE_URL
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).url == "https://crm.example/hook"
        stored = [str(event.changes) for event in db.session.scalars(db.select(AuditEvent))]
        assert not any(host in text or "http:///" in text for text in stored)


def test_another_workspace_gets_404_for_bins_and_cannot_point_their_webhook(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    bin_id = _new_bin(client)
    _, other_workspace = accounts.user("mallory@example.com")
    other_form, _ = make_form(app, other_workspace)
    other_webhook = make_webhook(app, other_form, "https://mallory.example/hook")
    mallory = app.test_client()
    accounts.login(mallory, "mallory@example.com")
    for path in (f"/inspector/{bin_id}", f"/inspector/{bin_id}/requests.json"):
        assert mallory.get(path).status_code == 404
    assert mallory.post(f"/inspector/{bin_id}/delete").status_code == 404
    assert mallory.post(f"/inspector/{bin_id}/copy", data={"webhook_id": other_webhook}).status_code == 404
    assert mallory.post(f"/inspector/{bin_id}/copy/{other_webhook}/stop").status_code == 404
    # and the owner cannot copy another workspace's webhook into their bin
    assert client.post(f"/inspector/{bin_id}/copy", data={"webhook_id": other_webhook}).status_code == 404
    with app.app_context():
        assert db.session.get(Webhook, other_webhook).url == "https://mallory.example/hook"
        assert db.session.get(Webhook, other_webhook).mirror_bin_id is None
    assert bin_id not in mallory.get("/inspector").get_data(as_text=True)


def test_delete_removes_the_bin(app, client, accounts):
    accounts.user()
    accounts.login(client)
    bin_id = _new_bin(client)
    client.post(f"/in/{_token(app, bin_id)}", data="x")
    assert client.post(f"/inspector/{bin_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalars(db.select(CaptureBin)).all() == []
        assert db.session.scalars(db.select(CapturedRequest)).all() == []
