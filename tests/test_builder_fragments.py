"""The builder's routes answer its script with redrawn fragments and where focus goes; without it, as before."""

import pytest

from app.core.extensions import db
from app.models import Form, Webhook
from tests.conftest import make_form, make_webhook

FRAGMENT = {"X-Formhook-Fragment": "builder", "Accept": "application/json"}
FIELDS = [
    {"key": "name", "label": "Full name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email"},
    {"key": "plan", "label": "Plan", "type": "select", "options": ["Free", "Pro"]},
]


@pytest.fixture
def form_ids(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    form_id, _ = make_form(app, workspace_id, FIELDS)
    with app.app_context():
        field_ids = [field.id for field in db.session.get(Form, form_id).fields]
    client.get(f"/forms/{form_id}")  # the builder page the script runs on (it shows the log-in message)
    return form_id, field_ids


def keys(app, form_id):
    with app.app_context():
        return db.session.get(Form, form_id).field_keys()


def test_adding_a_field_answers_the_redrawn_list_and_a_fresh_add_form(app, client, form_ids):
    form_id, _ = form_ids
    response = client.post(f"/forms/{form_id}/fields", data={"label": "Company", "type": "text"}, headers=FRAGMENT)
    assert response.status_code == 200
    data = response.get_json()
    assert data["ok"] and data["preview"] and data["focus"] == "label"
    assert set(data["replace"]) == {"fields", "add-field-card"}
    assert "Company" in data["replace"]["fields"] and 'value="Company"' not in data["replace"]["add-field-card"]
    assert data["messages"] == [{"category": "success", "text": "Field “Company” added as {{ company }}."}]
    assert keys(app, form_id) == ["name", "email", "plan", "company"]
    # the message went with the fragment, so the next full page does not show it again
    assert "added as" not in client.get(f"/forms/{form_id}").get_data(as_text=True)


def test_a_refused_field_comes_back_with_its_errors_and_nothing_is_stored(app, client, form_ids):
    form_id, _ = form_ids
    response = client.post(f"/forms/{form_id}/fields", data={"label": "", "type": "text"}, headers=FRAGMENT)
    assert response.status_code == 422
    data = response.get_json()
    assert not data["ok"] and not data["preview"]
    assert "has-error" in data["replace"]["add-field-card"]
    assert keys(app, form_id) == ["name", "email", "plan"]


@pytest.mark.parametrize(("index", "action", "order", "note"), [
    (1, "up", ["email", "name", "plan"], "moved up"),
    (0, "up", ["name", "email", "plan"], "already at the top"),
    (2, "down", ["name", "email", "plan"], "already at the bottom"),
])
def test_a_move_keeps_focus_on_the_button_pressed_also_at_either_end(app, client, form_ids, index, action, order,
                                                                     note):
    form_id, field_ids = form_ids
    moved = field_ids[index]
    response = client.post(f"/forms/{form_id}/fields/{moved}/{action}", headers=FRAGMENT)
    data = response.get_json()
    assert response.status_code == 200 and data["focus"] == f"move-{action}-{moved}"
    assert note in data["messages"][0]["text"]
    # the button stays focusable at the ends: marked, never disabled
    assert f'id="move-{action}-{moved}"' in data["replace"]["fields"]
    assert " disabled" not in data["replace"]["fields"]
    assert keys(app, form_id) == order


def test_deleting_moves_focus_to_the_next_field_then_the_previous_then_the_add_form(app, client, form_ids):
    form_id, field_ids = form_ids
    focus = [client.post(f"/forms/{form_id}/fields/{field_id}/delete", headers=FRAGMENT).get_json()["focus"]
             for field_id in (field_ids[1], field_ids[2], field_ids[0])]
    assert focus == [f"edit-link-{field_ids[2]}", f"edit-link-{field_ids[0]}", "label"]
    assert keys(app, form_id) == []


def test_the_inline_editor_has_its_own_names_and_saving_it_redraws_the_list(app, client, form_ids):
    form_id, field_ids = form_ids
    url = f"/forms/{form_id}/fields/{field_ids[2]}"
    data = client.get(url, headers=FRAGMENT).get_json()
    editor = data["replace"][f"field-{field_ids[2]}"]
    assert data["focus"] == "edit-label"
    assert 'name="edit-label"' in editor and 'id="edit-label"' in editor and 'value="Plan"' in editor
    response = client.post(url, headers=FRAGMENT, data={
        "edit-label": "Plan chosen", "edit-key": "plan", "edit-type": "radio", "edit-options": "Free\nPro\nTeam",
    })
    data = response.get_json()
    assert response.status_code == 200 and data["focus"] == f"edit-link-{field_ids[2]}"
    assert "Plan chosen" in data["replace"]["fields"]
    with app.app_context():
        field = db.session.get(Form, form_id).fields[2]
        assert (field.label, field.type, field.options) == ("Plan chosen", "radio", ["Free", "Pro", "Team"])


def test_a_refused_edit_stays_in_the_inline_editor(app, client, form_ids):
    form_id, field_ids = form_ids
    response = client.post(f"/forms/{form_id}/fields/{field_ids[0]}", headers=FRAGMENT,
                           data={"edit-label": "Name", "edit-key": "email", "edit-type": "text"})
    assert response.status_code == 422
    editor = response.get_json()["replace"][f"field-{field_ids[0]}"]
    assert "is used by another field" in editor and "has-error" in editor
    assert keys(app, form_id) == ["name", "email", "plan"]


def test_without_the_script_the_same_routes_redirect(app, client, form_ids):
    form_id, field_ids = form_ids
    response = client.post(f"/forms/{form_id}/fields/{field_ids[1]}/up")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#field-{field_ids[1]}")
    page = client.get(f"/forms/{form_id}").get_data(as_text=True)
    assert "Field “Email” moved up." in page


def test_another_workspaces_field_is_a_404_with_fragments_too(app, client, accounts, form_ids):
    _, field_ids = form_ids
    _, other_workspace = accounts.user("other@example.com")
    other_form, _ = make_form(app, other_workspace, FIELDS)
    response = client.post(f"/forms/{other_form}/fields/{field_ids[0]}/up", headers=FRAGMENT)
    assert response.status_code == 404
    assert client.get(f"/forms/{other_form}/fields/{field_ids[0]}", headers=FRAGMENT).status_code == 404


def test_renaming_a_key_a_webhook_uses_asks_inside_the_inline_editor(app, client, form_ids):
    form_id, field_ids = form_ids
    webhook_id = make_webhook(app, form_id, "http://127.0.0.1:9/crm?plan={{ plan }}")
    url = f"/forms/{form_id}/fields/{field_ids[2]}"
    edit = {"edit-label": "Plan", "edit-key": "plan_name", "edit-type": "select", "edit-options": "Free\nPro"}
    response = client.post(url, headers=FRAGMENT, data=edit)
    assert response.status_code == 409
    data = response.get_json()
    editor = data["replace"][f"field-{field_ids[2]}"]
    assert data["focus"] == "rename-update"
    assert "Rename plan to plan_name?" in editor and "data-builder-form" in editor and "data-builder-get" in editor
    assert keys(app, form_id) == ["name", "email", "plan"]

    response = client.post(url, headers=FRAGMENT, data={**edit, "rename_templates": "update"})
    assert response.status_code == 200
    assert "plan_name" in response.get_json()["replace"]["fields"]
    assert keys(app, form_id) == ["name", "email", "plan_name"]
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).url.endswith("plan={{ plan_name }}")
