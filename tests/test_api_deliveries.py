"""REST API: submissions and deliveries, paged newest first; retry (CONTRACT.md §4)."""

import pytest

from app.core.extensions import db
from app.models import Delivery
from tests.api_support import add_submissions, assert_error
from tests.conftest import drain
from tests.receiver import Reply


def _pages(api, path, limit):
    """Every page of a list, following next_cursor; return the pages' ids."""
    pages, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(path + query).get_json()
        pages.append([row["id"] for row in body["data"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_submissions_page_newest_first(app, api):
    form = api.create_form()
    ids = add_submissions(app, form["id"], 7)
    pages = _pages(api, f"/forms/{form['id']}/submissions", 3)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert sum(pages, []) == sorted(ids, reverse=True)
    first = api.get(f"/forms/{form['id']}/submissions").get_json()["data"][0]
    assert set(first) == {"id", "created_at", "answers", "meta"} and first["answers"]["name"].startswith("person")


def test_submission_pages_are_stable_while_submissions_arrive(app, api):
    form = api.create_form()
    before = add_submissions(app, form["id"], 6)
    path = f"/forms/{form['id']}/submissions"
    page_one = api.get(f"{path}?limit=3").get_json()
    add_submissions(app, form["id"], 4)  # newer than everything already listed
    page_two = api.get(f"{path}?limit=3&cursor={page_one['next_cursor']}").get_json()
    seen = [row["id"] for row in page_one["data"] + page_two["data"]]
    assert seen == sorted(before, reverse=True)
    assert page_two["next_cursor"] is None


def test_exact_last_page_has_no_next_cursor(app, api):
    form = api.create_form()
    add_submissions(app, form["id"], 4)
    assert _pages(api, f"/forms/{form['id']}/submissions", 2)[-1] != []
    assert api.get(f"/forms/{form['id']}/submissions?limit=100").get_json()["next_cursor"] is None


@pytest.mark.parametrize(("query", "field"), [
    ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("limit=-1", "limit"),
    ("cursor=not-a-cursor", "cursor"), ("limt=5", "limt"),
])
def test_bad_page_parameters_are_422(api, query, field):
    form = api.create_form()
    assert_error(api.get(f"/forms/{form['id']}/submissions?{query}"), 422, field)


def _failed_delivery(app, api, receiver):
    form = api.create_form()
    webhook = api.create_webhook(form["id"], f"{receiver.url}/hook")
    receiver.reply(Reply(status=500))
    delivery_id = api.post(f"/webhooks/{webhook['id']}/test").get_json()["delivery_id"]
    drain(app)
    return webhook, delivery_id


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[0])
def test_delivery_log_and_retry_with_the_same_webhook_id(app, api, receiver):
    webhook, delivery_id = _failed_delivery(app, api, receiver)
    detail = api.get(f"/deliveries/{delivery_id}").get_json()
    # a test event is attempted once, whatever the retry schedule
    assert detail["status"] == "failed" and detail["attempt_count"] == 1 and detail["last_status_code"] == 500
    attempt = detail["attempts"][0]
    assert attempt["request"]["method"] == "POST" and attempt["request"]["url"].endswith("/hook")
    assert attempt["response"]["status"] == 500 and attempt["duration_ms"] >= 0
    assert "webhook-signature" in {name.lower() for name in attempt["request"]["headers"]}

    listed = api.get(f"/webhooks/{webhook['id']}/deliveries").get_json()
    assert [row["id"] for row in listed["data"]] == [delivery_id] and listed["next_cursor"] is None
    assert api.get(f"/webhooks/{webhook['id']}/deliveries?status=failed").get_json()["data"][0]["id"] == delivery_id
    assert api.get(f"/webhooks/{webhook['id']}/deliveries?status=succeeded").get_json()["data"] == []
    assert_error(api.get(f"/webhooks/{webhook['id']}/deliveries?status=lost"), 422, "status")

    receiver.reply(Reply(status=200))
    retried = api.post(f"/deliveries/{delivery_id}/retry")
    assert retried.status_code == 202 and retried.get_json()["status"] in ("pending", "retrying")
    drain(app)
    requests = receiver.wait_for(2)
    assert {request.headers["webhook-id"] for request in requests} == {delivery_id}
    after = api.get(f"/deliveries/{delivery_id}").get_json()
    assert after["status"] == "succeeded" and after["attempt_count"] == 2 and len(after["attempts"]) == 2


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[0])
def test_retry_is_refused_while_the_webhook_is_disabled(app, api, receiver):
    webhook, delivery_id = _failed_delivery(app, api, receiver)
    api.patch(f"/webhooks/{webhook['id']}", json={"enabled": False})
    assert_error(api.post(f"/deliveries/{delivery_id}/retry"), 409)
    assert api.get(f"/deliveries/{delivery_id}").get_json()["status"] == "failed"


def test_deliveries_page_newest_first(app, api):
    form = api.create_form()
    webhook = api.create_webhook(form["id"], "https://crm.example/hook")
    with app.app_context():
        for _ in range(5):
            db.session.add(Delivery(workspace_id=api.workspace_id, webhook_id=webhook["id"], payload={},
                                    status="skipped"))
            db.session.flush()
        db.session.commit()
        ids = db.session.scalars(db.select(Delivery.id)).all()
    pages = _pages(api, f"/webhooks/{webhook['id']}/deliveries", 2)
    assert sum(pages, []) == sorted(ids, reverse=True) and len(pages) == 3


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[0])
def test_another_workspaces_delivery_is_404(app, api, stranger_api, receiver):
    _, delivery_id = _failed_delivery(app, stranger_api, receiver)
    assert_error(api.get(f"/deliveries/{delivery_id}"), 404)
    assert_error(api.post(f"/deliveries/{delivery_id}/retry"), 404)
    with app.app_context():
        assert db.session.get(Delivery, delivery_id).status == "failed"
    assert_error(api.get("/deliveries/msg_00000000000000000000000000"), 404)
