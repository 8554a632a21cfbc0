"""The hosted form's public contract: answers, errors, CORS, hidden fields, embeds and preview."""

import pytest

from app.core.extensions import db
from app.models import Submission
from tests.conftest import make_form

EVERY_TYPE = [
    {"key": "name", "label": "Name", "type": "text", "required": True, "placeholder": "Ada Lovelace"},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "age", "label": "Age", "type": "number", "default": "30"},
    {"key": "about", "label": "About you", "type": "textarea"},
    {"key": "plan", "label": "Plan", "type": "select", "options": ["Free", "Pro"]},
    {"key": "size", "label": "Team size", "type": "radio", "options": ["1-10", "11+"]},
    {"key": "topics", "label": "Topics", "type": "checkbox", "options": ["News", "Offers", "Events"],
     "default": "News"},
    {"key": "start", "label": "Start date", "type": "date", "default": "2026-03-01"},
    {"key": "phone", "label": "Phone", "type": "phone"},
    {"key": "site", "label": "Website", "type": "url"},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
]
VALID = {
    "name": "Zoë", "email": "zoe@example.com", "age": "42", "about": "Hi", "plan": "Pro", "size": "11+",
    "topics": ["News", "Events"], "start": "2026-04-02", "phone": "+33 6 12 34 56 78", "site": "https://zoe.example",
}


@pytest.fixture
def public_id(app, accounts):
    _, workspace_id = accounts.user()
    return make_form(app, workspace_id, EVERY_TYPE)[1]


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Submission)).all()


def test_valid_json_answers_are_stored_typed(app, client, public_id):
    response = client.post(f"/f/{public_id}", json=VALID)
    assert response.status_code == 201
    body = response.get_json()
    assert body["ok"] is True and body["submission_id"].startswith("sub_")
    (submission,) = stored(app)
    assert submission.id == body["submission_id"]
    assert submission.answers == {**VALID, "age": 42, "campaign_name": "spring", "phone": "+33612345678"}
    assert submission.meta["typed_phone"] == "+33 6 12 34 56 78"


@pytest.mark.parametrize("key, value, message", [
    ("name", "", "this field is required"),
    ("email", "not-an-email", "enter a valid email address"),
    ("age", "forty", "enter a number"),
    ("age", "Infinity", "enter a number"),
    ("plan", "Enterprise", "choose one of the listed options"),
    ("size", "42", "choose one of the listed options"),
    ("topics", ["News", "Spam"], "choose one of the listed options"),
    ("start", "2026-13-40", "enter a date"),
    ("phone", "call me", "enter a valid phone number"),
    ("site", "zoe dot example", "enter a valid URL"),
])
def test_each_field_type_rejects_bad_answers_with_the_contract_error(app, client, public_id, key, value, message):
    response = client.post(f"/f/{public_id}", json={**VALID, key: value})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert set(error["fields"]) == {key}
    assert message in error["fields"][key]
    assert stored(app) == []


def test_browser_post_with_errors_rerenders_the_form_with_messages(app, client, public_id):
    response = client.post(f"/f/{public_id}", data={**VALID, "email": "nope"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "enter a valid email address" in html and 'aria-invalid="true"' in html
    assert 'value="Zoë"' in html
    assert stored(app) == []


def test_browser_post_shows_thank_you_or_redirects(app, client, accounts):
    _, workspace_id = accounts.user()
    _, plain = make_form(app, workspace_id, EVERY_TYPE[:1], name="Plain", thank_you_message="Merci Zoë!")
    _, redirecting = make_form(app, workspace_id, EVERY_TYPE[:1], name="Go", redirect_url="https://shop.example/ok")
    assert "Merci Zoë!" in client.post(f"/f/{plain}", data={"name": "A"}).get_data(as_text=True)
    response = client.post(f"/f/{redirecting}", data={"name": "A"})
    assert response.status_code == 303 and response.headers["Location"] == "https://shop.example/ok"
    embedded = client.post(f"/f/{redirecting}?embed=1", data={"name": "A"})
    assert embedded.status_code == 200 and 'target="_top"' in embedded.get_data(as_text=True)


def test_malformed_json_is_400_in_the_error_shape(client, public_id):
    response = client.post(f"/f/{public_id}", data=b'{"name": "Zo', content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert client.post(f"/f/{public_id}", json=["a", "list"]).status_code == 400
    assert client.post(f"/f/{public_id}", json={"name": {"nested": 1}}).status_code == 422


def test_cors_allows_any_origin(client, public_id):
    preflight = client.options(f"/f/{public_id}", headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type",
    })
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    posted = client.post(f"/f/{public_id}", json=VALID, headers={"Origin": "https://shop.example"})
    assert posted.headers["Access-Control-Allow-Origin"] == "*"
    invalid = client.post(f"/f/{public_id}", json={}, headers={"Origin": "https://shop.example"})
    assert invalid.status_code == 422 and invalid.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_and_disabled_forms_are_404(app, client, accounts):
    _, workspace_id = accounts.user()
    _, disabled = make_form(app, workspace_id, enabled=False)
    for public_id in ("nope", disabled):
        assert client.get(f"/f/{public_id}").status_code == 404
        assert client.get(f"/f/{public_id}/embed.js").status_code == 404
        response = client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert stored(app) == []


def test_hidden_fields_take_their_default_or_the_page_query(app, client, public_id):
    page = client.get(f"/f/{public_id}?campaign_name=autumn").get_data(as_text=True)
    assert 'name="campaign_name" type="hidden" value="autumn"' in page
    client.post(f"/f/{public_id}", json=VALID)
    client.post(f"/f/{public_id}?campaign_name=Zo%C3%AB%20%26%20Co", json=VALID)
    client.post(f"/f/{public_id}?campaign_name=ignored", json={**VALID, "campaign_name": "from body"})
    assert [s.answers["campaign_name"] for s in sorted(stored(app), key=lambda s: s.id)] == [
        "spring", "Zoë & Co", "from body",
    ]


def test_defaults_and_placeholders_prefill_the_page(client, public_id):
    html = client.get(f"/f/{public_id}").get_data(as_text=True)
    assert 'placeholder="Ada Lovelace"' in html
    assert 'name="age" step="any" type="number" value="30"' in html
    assert 'name="start" type="date" value="2026-03-01"' in html
    assert 'checked id="topics-0"' in html


def test_every_input_has_a_visible_label_and_the_submit_label(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, EVERY_TYPE, submit_label="Join the list")
    html = client.get(f"/f/{public_id}").get_data(as_text=True)
    for field in EVERY_TYPE:
        if field["type"] in ("radio", "checkbox"):
            assert f"<legend>{field['label']}" in html
        elif field["type"] != "hidden":
            assert f'<label for="{field["key"]}">{field["label"]}' in html
    assert ">Join the list</button>" in html


def test_utm_and_referrer_from_the_embed_land_in_meta(app, client, public_id):
    client.post(
        f"/f/{public_id}?embed=1&_utm_source=newsletter&_referrer=https%3A%2F%2Fshop.example%2Fpage",
        data={**VALID, "_utm_campaign": "spring", "_page_referrer": "https://news.example/"},
        headers={"User-Agent": "TestAgent/1"},
    )
    (submission,) = stored(app)
    assert submission.meta == {
        "referrer": "https://shop.example/page", "page_referrer": "https://news.example/",
        "user_agent": "TestAgent/1", "utm_source": "newsletter", "utm_campaign": "spring",
        "typed_phone": "+33 6 12 34 56 78",
    }


def test_the_form_page_carries_referrer_and_utm_through_the_post(client, public_id):
    html = client.get(
        f"/f/{public_id}?embed=1&_utm_source=nl", headers={"Referer": "https://news.example/issue-4"},
    ).get_data(as_text=True)
    assert '<input type="hidden" name="_utm_source" value="nl">' in html
    assert '<input type="hidden" name="_referrer" value="https://news.example/issue-4">' in html
    assert "/static/embedded.js" in html


def test_embed_script_places_a_resizing_iframe_and_forwards_utm(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, name="Leads </script>")
    response = client.get(f"/f/{public_id}/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    script = response.get_data(as_text=True)
    assert f'"http://localhost/f/{public_id}"' in script
    assert '["campaign_name"]' in script
    assert "document.currentScript" in script and "utm_" in script and "_referrer" in script
    assert "</script>" not in script


def test_preview_shows_a_disabled_form_to_members_and_stores_nothing(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, enabled=False)
    assert client.get(f"/f/{public_id}?preview=1").status_code == 404
    accounts.login(client)
    page = client.get(f"/f/{public_id}?preview=1")
    assert page.status_code == 200 and "Preview" in page.get_data(as_text=True)
    answer = client.post(f"/f/{public_id}?preview=1", data={"name": "A", "email": "a@example.com"})
    assert answer.status_code == 200 and "Thank you" in answer.get_data(as_text=True)
    assert stored(app) == []

    accounts.user("stranger@example.com")
    other = client.application.test_client()
    accounts.login(other, "stranger@example.com")
    assert other.get(f"/f/{public_id}?preview=1").status_code == 404


def test_hosted_pages_may_be_framed_by_anyone_and_the_dashboard_by_no_one(app, client, accounts, public_id):
    for path in (f"/f/{public_id}", f"/f/{public_id}/embed.js", "/static/form.css"):
        response = client.get(path)
        policy = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
        assert "frame-ancestors *" in policy, path
        assert "X-Frame-Options" not in response.headers, path
    accounts.login(client)
    for path in ("/forms", "/login"):
        response = client.get(path)
        policy = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
