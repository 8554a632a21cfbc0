"""Rating, scale, consent, statement and page break, and a choice's Other… and shuffled order.

Each type checks its settings when saved (the error names the field), validates and cleans its
answer when posted, and is rendered safely on the hosted page.
"""

import re

import pytest

from app.core.extensions import db
from app.fields import field_type
from app.fields.links import linked, plain, unsafe_links
from app.models import Submission
from tests.api_support import assert_error


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Submission.answers)).all()


def post(client, form, answers):
    return client.post(f"/f/{form['public_id']}", json=answers)


@pytest.mark.parametrize(("field", "path", "words"), [
    ({"label": "Stars", "type": "rating", "max": 11}, "fields[0].max", "between 2 and 10"),
    ({"label": "Stars", "type": "rating", "max": "5"}, "fields[0].max", "whole number"),
    ({"label": "Stars", "type": "rating", "max": True}, "fields[0].max", "whole number"),
    ({"label": "Stars", "type": "rating", "default": "6"}, "fields[0].default", "from 1 to 5"),
    ({"label": "NPS", "type": "scale", "min": 2}, "fields[0].min", "between 0 and 1"),
    ({"label": "NPS", "type": "scale", "max": 1}, "fields[0].max", "between 2 and 10"),
    ({"label": "Plan", "type": "radio", "options": ["A"], "allow_other": "yes"}, "fields[0].allow_other",
     "true or false"),
    ({"label": "I agree to [x](javascript:alert(1))", "type": "consent"}, "fields[0].label", "http"),
    ({"label": "See [x](data:text/html,hi)", "type": "statement"}, "fields[0].label", "mailto"),
])
def test_each_new_setting_is_checked_when_saved_and_the_error_names_it(api, field, path, words):
    error = assert_error(api.post("/forms", json={"name": "F", "fields": [field]}), 422, path)
    assert words in error["fields"][path]


def test_settings_are_returned_with_their_defaults(api):
    form = api.create_form(fields=[
        {"key": "stars", "label": "Stars", "type": "rating"},
        {"key": "nps", "label": "NPS", "type": "scale", "min": 1, "max": 5},
        {"key": "plan", "label": "Plan", "type": "radio", "options": ["A", "B"], "allow_other": True},
        {"key": "name", "label": "Name", "type": "text"},
    ])
    stars, nps, plan, name = form["fields"]
    assert stars["max"] == 5 and "min" not in stars
    assert (nps["min"], nps["max"]) == (1, 5)
    assert plan["allow_other"] is True and plan["randomize"] is False
    assert not {"max", "allow_other"} & set(name)


def test_rating_and_scale_store_integers_within_their_range(app, client, api):
    form = api.create_form(fields=[
        {"key": "stars", "label": "Stars", "type": "rating", "max": 3, "required": True},
        {"key": "nps", "label": "NPS", "type": "scale"},
    ])
    for bad, key in (({"stars": 4}, "stars"), ({"stars": 0}, "stars"), ({"stars": "two"}, "stars"),
                     ({"stars": 2, "nps": 11}, "nps"), ({"stars": 2, "nps": -1}, "nps"), ({}, "stars")):
        response = post(client, form, bad)
        assert response.status_code == 422, bad
        assert set(response.get_json()["error"]["fields"]) == {key}
    assert post(client, form, {"stars": "3", "nps": 0}).status_code == 201
    assert post(client, form, {"stars": 1}).status_code == 201
    assert stored(app) == [{"stars": 3, "nps": 0}, {"stars": 1, "nps": ""}]

    page = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert len(re.findall(r'<input [^>]*name="stars"[^>]*type="radio"', page)) == 3
    assert "3 stars" in page and "1 star<" in page
    assert len(re.findall(r'name="nps"[^>]*type="radio"', page)) == 11


def test_a_required_consent_must_be_ticked_and_is_stored_as_true_or_false(app, client, api):
    form = api.create_form(fields=[
        {"key": "agree", "label": "I agree to the [terms](https://example.com/terms)", "type": "consent",
         "required": True},
        {"key": "news", "label": "Send me news", "type": "consent"},
    ])
    refused = post(client, form, {"agree": False})
    assert refused.get_json()["error"]["fields"] == {"agree": "tick this box to continue"}
    refused_html = client.post(f"/f/{form['public_id']}", data={"news": "y"})
    assert refused_html.status_code == 422 and "tick this box to continue" in refused_html.get_data(as_text=True)
    assert post(client, form, {"agree": True}).status_code == 201
    assert client.post(f"/f/{form['public_id']}", data={"agree": "y", "news": "y"}).status_code == 200
    assert stored(app) == [{"agree": True, "news": False}, {"agree": True, "news": True}]
    page = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert ('I agree to the <a href="https://example.com/terms" target="_blank" rel="noopener noreferrer">terms</a>'
            in page)


def test_label_links_are_escaped_and_only_http_or_mailto_become_links():
    html = str(linked('<b>Hi</b> [a](https://x.example/?q="1") [b](mailto:me@x.example) [c](javascript:alert(1))'))
    assert html.startswith("&lt;b&gt;Hi&lt;/b&gt; ")
    assert '<a href="https://x.example/?q=&#34;1&#34;"' in html
    assert '<a href="mailto:me@x.example"' in html
    assert "javascript" in html and 'href="javascript' not in html
    assert unsafe_links("[c](javascript:alert(1)) [d](/relative)") == ["javascript:alert(1", "/relative"]
    assert plain("I agree to the [terms](https://x.example)") == "I agree to the terms"


def test_statements_and_page_breaks_take_no_answer(app, client, api):
    form = api.create_form(fields=[
        {"key": "hello", "label": "Welcome! Read [this](https://example.com).", "type": "statement"},
        {"key": "name", "label": "Name", "type": "text"},
        {"key": "more", "label": "More about you", "type": "page_break"},
        {"key": "city", "label": "City", "type": "text"},
    ])
    assert not field_type("statement").takes_answer and not field_type("page_break").takes_answer
    assert post(client, form, {"name": "Ann", "city": "Bandung", "hello": "x", "more": "y"}).status_code == 201
    assert stored(app) == [{"name": "Ann", "city": "Bandung"}]
    page = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert 'Welcome! Read <a href="https://example.com"' in page
    assert '<h2 class="page-title" id="page-title-1">More about you</h2>' in page


def test_other_takes_the_text_box_or_a_json_text_and_needs_the_text(app, client, api):
    form = api.create_form(fields=[
        {"key": "source", "label": "Heard of us", "type": "radio", "options": ["Ad", "Friend"], "allow_other": True},
        {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["A", "B"], "allow_other": True},
        {"key": "plan", "label": "Plan", "type": "select", "options": ["Free"]},
    ])
    page = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert 'value="__other__"' in page and 'name="source.other"' in page and 'name="topics.other"' in page

    empty = client.post(f"/f/{form['public_id']}", data={"source": "__other__"})
    assert empty.status_code == 422 and "type your answer next to" in empty.get_data(as_text=True)
    assert client.post(f"/f/{form['public_id']}", data={
        "source": "__other__", "source.other": " A podcast ", "topics": ["A", "__other__"], "topics.other": "C",
    }).status_code == 200
    assert post(client, form, {"source": "A newsletter", "topics": ["B"]}).status_code == 201
    # a field without Other still takes only its options
    assert post(client, form, {"plan": "Gold"}).get_json()["error"]["fields"] == {
        "plan": "choose one of the listed options"}
    assert post(client, form, {"source": "x" * 501}).status_code == 422
    assert stored(app) == [{"source": "A podcast", "topics": ["A", "C"], "plan": ""},
                           {"source": "A newsletter", "topics": ["B"], "plan": ""}]


def test_randomised_options_come_in_more_than_one_order_and_other_stays_last(client, api):
    options = [f"Option {number}" for number in range(8)]
    form = api.create_form(fields=[{"key": "pick", "label": "Pick", "type": "radio", "options": options,
                                    "randomize": True, "allow_other": True}])
    orders = set()
    for _ in range(8):
        page = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
        values = re.findall(r'name="pick" type="radio" value="([^"]+)"', page)
        assert sorted(values[:-1]) == options and values[-1] == "__other__"
        orders.add(tuple(values))
    assert len(orders) > 1
