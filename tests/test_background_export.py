"""CSV exports: the download streams in keyset batches; a big list's export is written by a job and mailed."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.core.extensions import db
from app.dashboard import list_pages
from app.delivery import jobs
from app.models import CsvExport, Form
from app.models.base import utcnow
from app.runtime.worker import run_worker
from app.services.submission_rows import form_submissions, in_batches
from tests import test_list_pages
from tests.conftest import csrf_token_from
from tests.mailbox import body_of
from tests.test_list_pages import add_tied

form = test_list_pages.form  # the same owner, logged in, and form


@pytest.fixture
def rows(app, form):
    return add_tied(app, form, 7, distinct_times=7)  # Person 006 is the newest


def test_rows_are_read_in_bounded_statements_however_many_there_are(app, form, rows):
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        form_row = db.session.get(Form, form["id"])
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            read = list(in_batches(form_submissions(form_row), 3))
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    reads = [sql for sql in statements if "FROM submissions" in sql]
    assert sorted(row.id for row in read) == sorted(rows) and len(reads) == 3
    assert all("LIMIT" in sql for sql in reads)


def test_the_download_is_a_stream_of_every_row(client, form, rows):
    response = client.get(f"/forms/{form['id']}/submissions.csv?headers=keys")
    assert response.is_streamed and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(lines) == 8 and lines[0][:4] == ["submission_id", "created_at", "name", "email"]


def run_jobs(app):
    """The real worker in burst mode, twice: the export's job, then the mail it queued."""
    jobs.bind_app(app)
    run_worker(app, burst=True)
    run_worker(app, burst=True)


def ask_by_mail(app, client, form, **fields):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/forms/{form['id']}/submissions").get_data(as_text=True)
    assert "Email me the CSV" in page
    token = csrf_token_from(page)
    answer = client.post(f"/forms/{form['id']}/submissions/export", data={"csrf_token": token, **fields})
    app.config["WTF_CSRF_ENABLED"] = False
    return answer


def test_a_big_lists_export_is_mailed_as_a_link_its_workspace_alone_can_open(app, client, form, rows, accounts,
                                                                               mailbox, monkeypatch):
    monkeypatch.setattr(list_pages, "COUNT_CAP", 5)
    answer = ask_by_mail(app, client, form, q="example.com")
    assert answer.status_code == 303
    assert "owner@example.com" in client.get(answer.headers["Location"]).get_data(as_text=True)
    run_jobs(app)
    (message,) = mailbox.wait_for(1)
    assert message["To"] == "owner@example.com" and "7 submissions" in body_of(message)
    path = re.search(r"https?://[^/\s]+(/exports/exp_[0-9a-z]{26}\.csv)", body_of(message)).group(1)

    download = client.get(path)
    assert download.status_code == 200 and download.is_streamed
    lines = list(csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(lines) == 8 and lines[1][2] == "Person 006"

    stranger = app.test_client()
    accounts.user("stranger@example.com")
    accounts.login(stranger, "stranger@example.com")
    assert stranger.get(path).status_code == 404
    assert app.test_client().get(path).status_code == 302  # to the log-in page

    with app.app_context():
        export = db.session.scalars(db.select(CsvExport)).one()
        export.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(path).status_code == 404


def test_the_mailed_export_holds_what_the_search_matched(app, client, form, rows, mailbox, monkeypatch):
    monkeypatch.setattr(list_pages, "COUNT_CAP", 5)
    assert ask_by_mail(app, client, form, q="p3@example").status_code == 303
    run_jobs(app)
    path = re.search(r"(/exports/exp_[0-9a-z]{26}\.csv)", body_of(mailbox.wait_for(1)[0])).group(1)
    lines = list(csv.reader(io.StringIO(client.get(path).get_data(as_text=True).lstrip("\ufeff"))))
    assert [line[2] for line in lines[1:]] == ["Person 003"]


def test_asking_without_the_csrf_token_is_refused(app, client, form):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/forms/{form['id']}/submissions/export").status_code == 400
    with app.app_context():
        assert db.session.scalars(db.select(CsvExport)).all() == []
