"""The Notifications tab: saving recipients, templates, digest and autoresponder; refusals name the input."""

from app.core.extensions import db
from app.models import Form, User
from tests.conftest import drain, make_form


def _page(app, accounts, client):
    user_id, workspace_id = accounts.user("owner@example.com")
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id, name="Spring leads")
    return form_id, user_id


def _saved(app, form_id):
    with app.app_context():
        return db.session.get(Form, form_id).notifications


def test_the_tab_saves_every_setting(app, accounts, client):
    form_id, user_id = _page(app, accounts, client)
    page = client.get(f"/forms/{form_id}/notifications").get_data(as_text=True)
    assert "owner@example.com" in page and 'value="email"' in page and "{{ all_answers }}" in page
    response = client.post(f"/forms/{form_id}/notifications", data={
        "members": [user_id], "emails": "Sales@Example.com\nboss@example.com, sales@example.com",
        "subject": "Lead: {{ name }}", "body": "{{ all_answers }}", "digest": "daily",
        "autoresponder_field": "email", "autoresponder_subject": "Thanks {{ name }}", "autoresponder_body": "",
    })
    assert response.status_code == 303
    assert _saved(app, form_id) == {
        "members": [user_id], "emails": ["sales@example.com", "boss@example.com"],
        "subject": "Lead: {{ name }}", "body": "{{ all_answers }}", "digest": "daily",
        "autoresponder": {"field": "email", "subject": "Thanks {{ name }}", "body": ""},
    }
    page = client.get(f"/forms/{form_id}/notifications").get_data(as_text=True)
    assert "Notification settings saved." in page and "boss@example.com" in page


def test_a_refused_setting_is_shown_under_its_input_and_nothing_is_stored(app, accounts, client):
    form_id, _ = _page(app, accounts, client)
    response = client.post(f"/forms/{form_id}/notifications", data={
        "emails": "not-an-address", "subject": "{{ name.__class__ }}", "digest": "off",
        "autoresponder_field": "name",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not a valid email address: not-an-address" in page
    assert "private attributes" in page
    assert "must be the key of one of this form&#39;s email fields" in page
    assert _saved(app, form_id) is None


def test_an_unknown_name_saves_with_a_warning(app, accounts, client):
    form_id, user_id = _page(app, accounts, client)
    response = client.post(f"/forms/{form_id}/notifications", data={
        "members": [user_id], "subject": "Lead: {{ nam }}", "digest": "off",
    }, follow_redirects=True)
    assert "unknown name &#39;nam&#39; renders as empty (did you mean name?)" in response.get_data(as_text=True)


def test_a_member_of_another_workspace_cannot_be_chosen(app, accounts, client):
    form_id, _ = _page(app, accounts, client)
    accounts.user("stranger@example.com")
    with app.app_context():
        stranger_id = db.session.scalar(db.select(User.id).where(User.email == "stranger@example.com"))
    response = client.post(f"/forms/{form_id}/notifications", data={"members": [stranger_id], "digest": "off"})
    assert response.status_code == 422 and _saved(app, form_id) is None


def test_the_api_form_object_carries_the_same_settings(api, client, mailbox, app):
    form = api.create_form(notifications={
        "members": ["Owner@example.com"], "emails": ["sales@example.com"], "digest": "off",
        "autoresponder": {"field": "email", "subject": "Thanks {{ name }}"},
    })
    assert form["notifications"] == {
        "members": ["owner@example.com"], "emails": ["sales@example.com"], "subject": "", "body": "",
        "digest": "off", "autoresponder": {"field": "email", "subject": "Thanks {{ name }}", "body": ""},
    }
    client.post(f"/f/{form['public_id']}", json={"name": "Ana", "email": "ana@example.com"})
    drain(app)
    assert sorted(message["To"] for message in mailbox.wait_for(2)) == [
        "ana@example.com", "owner@example.com, sales@example.com",
    ]
    response = api.patch(f"/forms/{form['id']}", json={"notifications": {
        "members": ["stranger@example.com"], "autoresponder": {"field": "name"},
    }})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"notifications.members", "notifications.autoresponder.field"}
    assert api.get(f"/forms/{form['id']}").get_json()["notifications"]["emails"] == ["sales@example.com"]
    assert api.patch(f"/forms/{form['id']}", json={"notifications": None}).get_json()["notifications"] is None


def test_a_form_made_in_the_dashboard_mails_its_creator(app, accounts, client):
    user_id, _ = accounts.user("owner@example.com")
    accounts.login(client)
    response = client.post("/forms/new", data={"name": "Fresh", "language": "auto", "enabled": "y"})
    assert response.status_code == 302
    with app.app_context():
        form = db.session.scalars(db.select(Form)).one()
        assert form.notifications["members"] == [user_id] and form.notifications["digest"] == "off"
