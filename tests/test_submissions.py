"""Submissions in the dashboard: table, search, pages, detail with deliveries, CSV, delete."""

import csv
import io
from datetime import timedelta

import pytest

from app.core.extensions import db
from app.dashboard import submission_routes
from app.models import Delivery, Submission
from app.models.base import utcnow
from app.models.ids import new_id
from tests.conftest import csrf_token_from, drain, make_form, make_webhook

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email"},
    {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["News", "Offers"]},
    {"key": "note", "label": "Note", "type": "textarea"},
]


@pytest.fixture
def form(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    return {"id": form_id, "public_id": public_id, "workspace_id": workspace_id}


def add_submissions(app, form, answers_list):
    """Store submissions directly, oldest first, one second apart; return their ids."""
    ids = []
    with app.app_context():
        start = utcnow() - timedelta(hours=1)
        for index, answers in enumerate(answers_list):
            submission = Submission(
                id=new_id("sub"), workspace_id=form["workspace_id"], form_id=form["id"], answers=answers,
                meta={"utm_source": "newsletter"}, created_at=start + timedelta(seconds=index),
            )
            db.session.add(submission)
            db.session.flush()
            ids.append(submission.id)
        db.session.commit()
    return ids


def test_table_is_newest_first_in_pages_of_25(app, client, form):
    ids = add_submissions(app, form, [{"name": f"Person {n:02d}"} for n in range(30)])
    first = client.get(f"/forms/{form['id']}/submissions").get_data(as_text=True)
    assert "30 submissions" in first and "Page 1 of 2" in first
    assert first.index("Person 29") < first.index("Person 05") and "Person 04" not in first
    second = client.get(f"/forms/{form['id']}/submissions?page=2").get_data(as_text=True)
    assert [f"Person {n:02d}" in second for n in (4, 0, 5)] == [True, True, False]
    assert ids[0] in second and 'rel="prev"' in second
    assert "Page 2 of 2" in client.get(f"/forms/{form['id']}/submissions?page=99").get_data(as_text=True)
    assert "Page 1 of 2" in client.get(f"/forms/{form['id']}/submissions?page=zero").get_data(as_text=True)


def test_search_looks_in_every_answer_including_accents(app, client, form):
    add_submissions(app, form, [
        {"name": "Zoë Martin", "note": "loves 100% cotton"},
        {"name": "Bob", "email": "bob@shop.example"},
        {"name": "Ann", "topics": ["Offers"]},
    ])
    def found(term):
        html = client.get(f"/forms/{form['id']}/submissions", query_string={"q": term}).get_data(as_text=True)
        return html.split('id="result-count">')[1].split(" submission")[0]

    assert found("zoë") == "1" and found("ZOË") in ("1", "0")
    assert found("Zoë") == "1"
    assert found("shop.example") == "1"
    assert found("offers") == "1"
    assert found("100%") == "1" and found("%") == "1" and found("_") == "0"
    assert found("nobody") == "0"
    assert found("") == "3"


def test_detail_shows_answers_meta_and_each_webhooks_delivery(app, client, form, receiver):
    make_webhook(app, form["id"], receiver.url + "/crm")
    make_webhook(app, form["id"], receiver.url + "/chat", conditions={
        "match": "all", "rules": [{"field": "name", "op": "equals", "value": "nobody"}],
    })
    response = client.post(
        f"/f/{form['public_id']}?utm_source=newsletter",
        json={"name": "Zoë", "email": "zoe@example.com", "topics": ["News", "Offers"]},
        headers={"Referer": "https://shop.example/landing"},
    )
    submission_id = response.get_json()["submission_id"]
    drain(app)
    receiver.wait_for(1)

    html = client.get(f"/forms/{form['id']}/submissions/{submission_id}").get_data(as_text=True)
    assert "Zoë" in html and "News, Offers" in html and "zoe@example.com" in html
    assert "meta.utm_source" in html and "newsletter" in html and "https://shop.example/landing" in html
    assert receiver.url + "/crm" in html and "status-succeeded" in html
    assert "Your server answered 200: delivered." in html
    assert receiver.url + "/chat" in html and "status-skipped" in html


def test_delete_asks_then_removes_one_submission(app, client, form, receiver):
    app.config["WTF_CSRF_ENABLED"] = True
    make_webhook(app, form["id"], receiver.url)
    keep, remove = add_submissions(app, form, [{"name": "Keep"}, {"name": "Remove"}])
    with app.app_context():
        webhook_id = db.session.scalars(db.select(submission_routes.Form)).one().webhooks[0].id
        db.session.add(Delivery(workspace_id=form["workspace_id"], webhook_id=webhook_id, submission_id=remove,
                                status="succeeded"))
        db.session.commit()

    page = client.get(f"/forms/{form['id']}/submissions/{remove}/delete")
    assert "Delete this submission?" in page.get_data(as_text=True)
    assert client.post(f"/forms/{form['id']}/submissions/{remove}/delete").status_code == 400
    token = csrf_token_from(page.get_data(as_text=True))
    done = client.post(f"/forms/{form['id']}/submissions/{remove}/delete", data={"csrf_token": token},
                       follow_redirects=True)
    assert "Submission deleted." in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Submission.id)).all() == [keep]
        assert db.session.scalars(db.select(Delivery)).all() == []  # its deliveries go with it


def test_a_submission_of_another_form_is_404(app, client, form):
    other_form_id, _ = make_form(app, form["workspace_id"], FIELDS, name="Other")
    (submission_id,) = add_submissions(app, form, [{"name": "A"}])
    assert client.get(f"/forms/{other_form_id}/submissions/{submission_id}").status_code == 404
    assert client.post(f"/forms/{other_form_id}/submissions/{submission_id}/delete").status_code == 404
    assert client.get(f"/forms/{form['id']}/submissions/sub_nope").status_code == 404


def test_csv_export_streams_every_row_with_a_bom(app, client, form, monkeypatch):
    monkeypatch.setattr(submission_routes, "EXPORT_BATCH", 3)
    add_submissions(app, form, [{"name": f"P{n}"} for n in range(7)] + [
        {"name": "Zoë", "email": "zoe@example.com", "topics": ["News", "Offers"], "note": "line 1\nline 2, \"quoted\""},
        {"name": "=HYPERLINK(\"http://evil.example\")", "note": "-2+3", "email": "+33 6 12"},
    ])
    response = client.get(f"/forms/{form['id']}/submissions.csv?headers=keys")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 9
    assert list(rows[0])[:6] == ["submission_id", "created_at", "name", "email", "topics", "note"]
    assert rows[0]["name"] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows[0]["note"] == "'-2+3" and rows[0]["email"] == "+33 6 12"
    assert rows[1]["name"] == "Zoë" and rows[1]["topics"] == "News; Offers"
    assert rows[1]["note"] == "line 1\nline 2, \"quoted\""
    assert rows[1]["meta_utm_source"] == "newsletter"
    assert [row["name"] for row in rows[2:]] == [f"P{n}" for n in range(6, -1, -1)]
