"""Logic and pages on the server: visible_if checked at save, evaluated at submit, hidden answers dropped.

A field hidden by logic is not shown, not required, not validated and not stored; a hidden page
break skips its page. The browser (static/form_steps.js) applies the same rules; these tests post
what a crafted client would, so only the server's walk decides.
"""

import re

import pytest

from app.core.extensions import db
from app.models import Submission
from tests.api_support import assert_error

CAMPAIGN = {"key": "campaign", "label": "Campaign", "type": "radio", "options": ["Webinar", "Event"],
            "required": True}
THREE_PAGES = [
    {"key": "about", "label": "About you", "type": "page_break"},
    {"key": "name", "label": "Name", "type": "text", "required": True},
    CAMPAIGN,
    {"key": "venue_page", "label": "Venue", "type": "page_break",
     "visible_if": {"match": "all", "rules": [{"field": "campaign", "op": "not_equals", "value": "Webinar"}]}},
    {"key": "venue", "label": "Venue address", "type": "text", "required": True},
    {"key": "finish", "label": "Last step", "type": "page_break"},
    {"key": "topic", "label": "Topic", "type": "text", "required": True,
     "visible_if": {"match": "any", "rules": [{"field": "campaign", "op": "equals", "value": "Webinar"}]}},
    {"key": "agree", "label": "I agree to the [terms](https://example.com/terms)", "type": "consent",
     "required": True},
]


def stored_answers(app):
    with app.app_context():
        return [row for row in db.session.scalars(db.select(Submission.answers))]


@pytest.fixture
def logic_form(api):
    return api.create_form(name="Webinars", fields=THREE_PAGES)


# -- saving: visible_if must read answers of fields above it ---------------------------------------

@pytest.mark.parametrize(("rule", "path", "words"), [
    ({"rules": [{"field": "later", "op": "equals", "value": "x"}]}, "fields[0].visible_if.rules[0].field",
     "above this one"),
    ({"rules": [{"field": "ghost", "op": "equals", "value": "x"}]}, "fields[1].visible_if.rules[0].field",
     "above this one"),
    ({"rules": [{"field": "first", "op": "bogus", "value": "x"}]}, "fields[1].visible_if.rules[0].op", "one of"),
    ({"rules": [{"field": "first", "op": "equals"}]}, "fields[1].visible_if.rules[0].value", "required"),
    ({"match": "some", "rules": [{"field": "first", "op": "empty"}]}, "fields[1].visible_if.match", "'all'"),
    ("always", "fields[1].visible_if", "object"),
])
def test_a_rule_that_does_not_read_an_earlier_answer_is_refused_naming_the_field(api, rule, path, words):
    fields = [{"key": "first", "label": "First", "type": "text"},
              {"key": "later", "label": "Later", "type": "text", "visible_if": rule}]
    if path.startswith("fields[0]"):
        fields = [{"key": "first", "label": "First", "type": "text", "visible_if": rule},
                  {"key": "later", "label": "Later", "type": "text"}]
    error = assert_error(api.post("/forms", json={"name": "F", "fields": fields}), 422, path)
    assert words in error["fields"][path]


def test_a_rule_may_not_read_a_statement_or_a_page_break(api):
    fields = [{"key": "note", "label": "Read this", "type": "statement"},
              {"key": "later", "label": "Later", "type": "text",
               "visible_if": {"rules": [{"field": "note", "op": "not_empty"}]}}]
    assert_error(api.post("/forms", json={"name": "F", "fields": fields}), 422, "fields[1].visible_if.rules[0].field")


def test_rules_are_kept_and_returned_by_the_api(api, logic_form):
    fetched = api.get(f"/forms/{logic_form['id']}").get_json()
    by_key = {field["key"]: field for field in fetched["fields"]}
    assert by_key["venue_page"]["visible_if"] == THREE_PAGES[3]["visible_if"]
    assert by_key["name"]["visible_if"] is None
    # an empty rule list means "always shown"
    changed = api.patch(f"/forms/{logic_form['id']}", json={"fields": [
        {"key": "name", "label": "Name", "visible_if": {"match": "all", "rules": []}}]})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["fields"][0]["visible_if"] is None


# -- submitting: the server's walk decides -----------------------------------------------------------

def test_a_webinar_answer_skips_the_venue_page_and_its_required_field(app, client, logic_form):
    response = client.post(f"/f/{logic_form['public_id']}", json={
        "name": "Ann", "campaign": "Webinar", "topic": "Forms", "agree": True})
    assert response.status_code == 201, response.get_json()
    assert stored_answers(app) == [{"name": "Ann", "campaign": "Webinar", "topic": "Forms", "agree": True}]


def test_a_crafted_post_stores_nothing_for_a_hidden_field(app, client, logic_form):
    response = client.post(f"/f/{logic_form['public_id']}", json={
        "name": "Ann", "campaign": "Webinar", "topic": "Forms", "agree": True, "venue": "Smuggled"})
    assert response.status_code == 201
    (answers,) = stored_answers(app)
    assert "venue" not in answers


def test_a_hidden_field_is_not_validated_and_a_visible_one_still_is(app, client, logic_form):
    # venue is shown for an event: required there; topic is hidden: an invalid value is dropped unseen
    refused = client.post(f"/f/{logic_form['public_id']}", json={
        "name": "Ann", "campaign": "Event", "agree": True, "topic": "x\u0000y"})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"venue"}
    accepted = client.post(f"/f/{logic_form['public_id']}", json={
        "name": "Ann", "campaign": "Event", "agree": True, "venue": "Jakarta", "topic": "x\u0000y"})
    assert accepted.status_code == 201
    assert stored_answers(app) == [{"name": "Ann", "campaign": "Event", "venue": "Jakarta", "agree": True}]


def test_a_rule_reads_only_answers_that_were_shown(app, client, api):
    # the third field depends on the second, which is hidden: its rule sees no answer
    form = api.create_form(fields=[
        {"key": "kind", "label": "Kind", "type": "select", "options": ["a", "b"]},
        {"key": "detail", "label": "Detail", "type": "text",
         "visible_if": {"rules": [{"field": "kind", "op": "equals", "value": "a"}]}},
        {"key": "more", "label": "More", "type": "text", "required": True,
         "visible_if": {"rules": [{"field": "detail", "op": "not_empty"}]}},
    ])
    response = client.post(f"/f/{form['public_id']}", json={"kind": "b", "detail": "crafted", "more": "x"})
    assert response.status_code == 201
    assert stored_answers(app) == [{"kind": "b"}]


# -- without JavaScript: each step is a POST ---------------------------------------------------------

def step(client, form, data, nav="next", current=0):
    return client.post(f"/f/{form['public_id']}", data={**data, "_nav": nav, "_step": str(current)})


def test_steps_without_javascript_validate_each_page_and_skip_the_hidden_one(app, client, logic_form):
    first = client.get(f"/f/{logic_form['public_id']}").get_data(as_text=True)
    assert "Step 1 of 3" in first and 'data-page="1" data-visible-if=' in first

    missing = step(client, logic_form, {"name": "", "campaign": "Webinar"})
    assert missing.status_code == 422
    assert re.search(r'<section class="page" data-page="0"(?![^>]*hidden)', missing.get_data(as_text=True))

    answers = {"name": "Ann", "campaign": "Webinar"}
    second = step(client, logic_form, answers)
    html = second.get_data(as_text=True)
    assert second.status_code == 200
    # the venue page is skipped: the last page is shown, step 2 of the 2 left
    assert re.search(r'<section class="page" data-page="2"(?![^>]*hidden)', html)
    assert "Step 2 of 2" in html
    assert 'value="Ann"' in html  # the first page's answers ride along in its (hidden) inputs

    back = step(client, logic_form, {**answers, "topic": ""}, nav="back", current=2)
    back_html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'class="error"' not in back_html  # Back does not judge the page left
    assert re.search(r'<section class="page" data-page="0"(?![^>]*hidden)', back_html)

    last = step(client, logic_form, {**answers, "topic": "Forms", "agree": "y"}, current=2)
    assert last.status_code == 200 and "Thank you" in last.get_data(as_text=True)
    assert stored_answers(app) == [{"name": "Ann", "campaign": "Webinar", "topic": "Forms", "agree": True}]


def test_the_final_post_checks_every_shown_page_even_when_steps_were_skipped(client, logic_form):
    # a crafted post straight to the last step: the first page's error is shown on the first page
    response = step(client, logic_form, {"campaign": "Webinar", "topic": "Forms", "agree": "y"}, current=2)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'<section class="page" data-page="0"(?![^>]*hidden)', html)
    assert 'id="name-error"' in html


def test_a_step_number_out_of_range_is_read_as_a_page_of_the_form(client, logic_form):
    for current in ("99", "-4", "two"):
        response = client.post(f"/f/{logic_form['public_id']}", data={"_nav": "back", "_step": current})
        assert response.status_code == 200
