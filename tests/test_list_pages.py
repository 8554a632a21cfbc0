"""Dashboard lists at any size: keyset pages over ties in created_at, a capped count, a bounded or indexed search."""

import html
import re
from datetime import timedelta

import pytest

from app.core.extensions import db
from app.dashboard import list_pages, submission_routes
from app.models import Delivery, Submission
from app.models.base import utcnow
from app.models.ids import new_id
from app.services.submission_search import trigram_index_ready
from tests.conftest import make_form, make_webhook

FIELDS = [{"key": "name", "label": "Name", "type": "text"}, {"key": "email", "label": "Email", "type": "email"}]


@pytest.fixture
def form(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id, FIELDS)
    return {"id": form_id, "workspace_id": workspace_id}


def add_tied(app, form, count, distinct_times=4):
    """count submissions sharing distinct_times timestamps (ids in no particular order); return their ids."""
    start = utcnow() - timedelta(hours=1)
    with app.app_context():
        rows = [Submission(id=new_id("sub"), workspace_id=form["workspace_id"], form_id=form["id"],
                           answers={"name": f"Person {n:03d}", "email": f"p{n}@example.com"}, meta={},
                           created_at=start + timedelta(seconds=n % distinct_times)) for n in range(count)]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def shown_ids(page):
    return re.findall(r"submission (sub_[0-9a-z]{26})", page)


def link(page, rel):
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def walk(client, url, rel):
    pages = []
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        url = link(page, rel)
    return pages


def test_keyset_pages_show_every_row_once_across_ties_both_ways(app, client, form):
    ids = add_tied(app, form, 70)
    older = walk(client, f"/forms/{form['id']}/submissions", "next")
    seen = [row for page in older for row in shown_ids(page)]
    assert len(older) == 3 and sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    assert "Page 3 of 3" in older[-1] and "before=" in link(older[1], "next") and "OFFSET" not in older[-1]
    newer = walk(client, link(older[-1], "prev"), "prev")
    assert [shown_ids(page) for page in reversed(newer)] == [shown_ids(page) for page in older[:-1]]


def test_beyond_the_cap_the_count_says_more_than(app, client, form, monkeypatch):
    monkeypatch.setattr(list_pages, "COUNT_CAP", 30)
    add_tied(app, form, 40)
    first = client.get(f"/forms/{form['id']}/submissions").get_data(as_text=True)
    assert "More than 30 submissions" in first and "Page 1</span>" in first
    last = walk(client, f"/forms/{form['id']}/submissions", "next")[-1]
    assert "Page 2</span>" in last and len(shown_ids(last)) == 15
    monkeypatch.setattr(submission_routes, "SEARCH_COUNT_CAP", 10)  # a search counts less far
    searched = client.get(f"/forms/{form['id']}/submissions?q=example").get_data(as_text=True)
    assert "More than 10 submissions matching" in searched and len(shown_ids(searched)) == 25


def test_a_cursor_not_given_out_is_a_400_naming_it(client, form):
    response = client.get(f"/forms/{form['id']}/submissions?before=yesterday")
    assert response.status_code == 400 and "before" in response.get_data(as_text=True)


def found_names(client, form, term):
    page = client.get(f"/forms/{form['id']}/submissions", query_string={"q": term}).get_data(as_text=True)
    return re.findall(r"Person [0-9]{3}", page), page


@pytest.mark.app_config(SEARCH_SCAN_ROWS=5)
def test_search_finds_by_answer_and_says_when_it_read_only_the_newest(app, client, form):
    add_tied(app, form, 8, distinct_times=8)  # Person 007 is the newest, Person 000 the oldest
    with app.app_context():
        indexed = trigram_index_ready()  # PostgreSQL with pg_trgm: the index reads every row
    names, page = found_names(client, form, "p7@example")
    assert names == ["Person 007"] and ("search-window" in page) is not indexed
    names, page = found_names(client, form, "p0@example")
    assert names == (["Person 000"] if indexed else [])
    assert ("Searched the newest 5 submissions" in page) is not indexed
    names, page = found_names(client, form, "7")  # too short for a trigram: bounded on every database
    assert names == ["Person 007"] and "Searched the newest 5 submissions" in page


def test_the_deliveries_tab_merges_its_webhooks_newest_first_in_pages(app, client, form):
    first = make_webhook(app, form["id"], "http://127.0.0.1:9/a")
    second = make_webhook(app, form["id"], "http://127.0.0.1:9/b")
    with app.app_context():
        made = [Delivery(id=new_id("msg"), workspace_id=form["workspace_id"], status="failed",
                         webhook_id=(first, second)[n % 3 == 0]) for n in range(130)]
        db.session.add_all(made)
        db.session.commit()
        ids = sorted((row.id for row in made), reverse=True)
    pages = walk(client, f"/forms/{form['id']}/deliveries", "next")
    shown = [found for page in pages for found in dict.fromkeys(re.findall(r"/deliveries/(msg_[0-9a-z]{26})", page))]
    assert shown == ids and len(pages) == 2
