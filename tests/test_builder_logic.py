"""The builder: each new type's options, a rule set in the field editor and shown in words, and
moves or deletions that would leave a rule reading a field below it."""

import re

import pytest

from app.core.extensions import db
from app.models import Form
from tests.conftest import csrf_token_from, make_form


@pytest.fixture
def owner(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    return workspace_id


@pytest.fixture
def campaign_form(app, owner):
    form_id, _ = make_form(app, owner, fields=[
        {"key": "campaign", "label": "Campaign", "type": "radio", "options": ["Webinar", "Event"]},
        {"key": "note", "label": "Welcome", "type": "statement"},
    ])
    return form_id


def add(client, form_id, **data):
    page = client.get(f"/forms/{form_id}").get_data(as_text=True)
    return client.post(f"/forms/{form_id}/fields", data={"csrf_token": csrf_token_from(page), **data})


def fields_of(app, form_id):
    with app.app_context():
        return {field.key: field for field in db.session.get(Form, form_id).fields}


def test_a_rule_set_in_the_editor_is_saved_and_shown_in_words(app, client, campaign_form):
    page = client.get(f"/forms/{campaign_form}").get_data(as_text=True)
    # only answers above can be read: the statement takes none
    rule_choices = re.findall(r'<option value="([^"]*)">', page.split('name="rules-0-field"')[1].split("</select>")[0])
    assert rule_choices == ["", "campaign"]
    response = add(client, campaign_form, label="Topic", type="text", logic_match="all",
                   **{"rules-0-field": "campaign", "rules-0-op": "equals", "rules-0-value": "Webinar"})
    assert response.status_code == 302, response.get_data(as_text=True)
    topic = fields_of(app, campaign_form)["topic"]
    assert topic.visible_if == {"match": "all", "rules": [{"field": "campaign", "op": "equals", "value": "Webinar"}]}
    builder = client.get(f"/forms/{campaign_form}").get_data(as_text=True)
    assert "Show when Campaign is Webinar" in builder

    edit = client.get(f"/forms/{campaign_form}/fields/{topic.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="campaign">Campaign</option>', edit)
    assert 'name="rules-0-value" type="text" value="Webinar"' in edit


def test_a_rule_on_a_field_that_is_not_above_is_refused(client, campaign_form):
    response = add(client, campaign_form, label="Topic", type="text",
                   **{"rules-0-field": "nowhere", "rules-0-op": "equals", "rules-0-value": "x"})
    assert response.status_code == 422
    assert "above this one" in response.get_data(as_text=True)


def test_new_types_keep_their_builder_options(app, client, campaign_form):
    assert add(client, campaign_form, label="Stars", type="rating", max="7").status_code == 302
    assert add(client, campaign_form, label="NPS", type="scale", min="1", max="5").status_code == 302
    assert add(client, campaign_form, label="Source", type="select", options="Ad\nFriend", allow_other="y",
               randomize="y").status_code == 302
    refused = add(client, campaign_form, label="Too many", type="rating", max="12")
    assert refused.status_code == 422 and "between 2 and 10" in refused.get_data(as_text=True)
    fields = fields_of(app, campaign_form)
    assert fields["stars"].settings == {"max": 7}
    assert fields["nps"].settings == {"min": 1, "max": 5}
    assert fields["source"].settings == {"allow_other": True, "randomize": True}


def test_a_move_that_puts_a_field_above_its_rule_is_refused_and_a_delete_drops_the_rule(app, client, campaign_form):
    add(client, campaign_form, label="Topic", type="text",
        **{"rules-0-field": "campaign", "rules-0-op": "not_empty"})
    fields = fields_of(app, campaign_form)
    token = csrf_token_from(client.get(f"/forms/{campaign_form}").get_data(as_text=True))
    order = [fields["topic"].id, fields["campaign"].id, fields["note"].id]
    refused = client.post(f"/forms/{campaign_form}/fields/order", data={"csrf_token": token, "order": order},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "topic" in refused.get_json()["error"]["fields"]
    up = f"/forms/{campaign_form}/fields/{fields['topic'].id}/up"
    assert client.post(up, data={"csrf_token": token}).status_code == 302  # above the statement: fine
    moved = client.post(up, data={"csrf_token": token}, follow_redirects=True)
    assert "no longer be above it" in moved.get_data(as_text=True)
    assert [key for key in fields_of(app, campaign_form)] == ["campaign", "topic", "note"]

    deleted = client.post(f"/forms/{campaign_form}/fields/{fields['campaign'].id}/delete",
                          data={"csrf_token": token}, follow_redirects=True)
    assert "no longer has a rule" in deleted.get_data(as_text=True)
    assert fields_of(app, campaign_form)["topic"].visible_if is None
