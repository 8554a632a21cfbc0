"""The hosted form's checks follow the form as it is now: its class is kept per version, never past one."""

from app.core.extensions import db
from app.models import Field
from tests.conftest import make_form

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": False},
]


def _post(client, public_id, answers, language="en"):
    return client.post(f"/f/{public_id}", json=answers, headers={"Accept-Language": language})


def test_a_field_edited_after_posts_is_checked_as_edited(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    assert _post(client, public_id, {"name": "Ana"}).status_code == 201

    with app.app_context():
        email = db.session.scalars(db.select(Field).where(Field.form_id == form_id, Field.key == "email")).one()
        email.required = True
        db.session.add(Field(form_id=form_id, position=2, key="city", label="City", type="text", required=True))
        db.session.commit()

    refused = _post(client, public_id, {"name": "Ana"})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"email", "city"}
    assert _post(client, public_id, {"name": "Ana", "email": "ana@example.com", "city": "Bandung"}).status_code == 201


def test_each_language_gets_its_own_messages_from_the_same_form(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS)
    english = _post(client, public_id, {"name": "Ana", "email": "not an address"}, "en")
    indonesian = _post(client, public_id, {"name": "Ana", "email": "not an address"}, "id")
    english_again = _post(client, public_id, {"name": "Ana", "email": "not an address"}, "en")

    messages = [answer.get_json()["error"]["fields"]["email"] for answer in (english, indonesian, english_again)]
    assert messages[0] == messages[2] == "enter a valid email address"
    assert messages[1] != messages[0]
