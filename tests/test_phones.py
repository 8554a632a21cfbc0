"""Phone answers: checked with phonenumbers for the workspace's region, stored and sent in E.164."""

import json

import pytest

from app.core.extensions import db
from app.delivery.templating import TemplateError, render
from app.models import Submission, Workspace
from tests.conftest import drain, make_form, make_webhook

FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "phone", "label": "WhatsApp number", "type": "phone", "required": True},
]


@pytest.fixture
def public_id(app, accounts):
    _, workspace_id = accounts.user()
    return make_form(app, workspace_id, FIELDS)[1]


def set_region(app, region):
    with app.app_context():
        db.session.scalars(db.select(Workspace)).one().phone_region = region
        db.session.commit()


def stored(app):
    with app.app_context():
        return db.session.scalars(db.select(Submission)).all()


def test_a_local_number_reaches_the_webhook_in_e164(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    make_webhook(app, form_id, receiver.url + "/hook")
    response = client.post(f"/f/{public_id}", data={"name": "Sari", "phone": "0813-9999-8888"})
    assert response.status_code == 200
    drain(app)
    (request,) = receiver.wait_for(1)
    submission = json.loads(request.body)["data"]["submission"]
    assert submission["answers"]["phone"] == "+6281399998888"
    assert submission["meta"]["typed_phone"] == "0813-9999-8888"  # what the visitor wrote, kept beside it


@pytest.mark.parametrize(("typed", "expected"), [
    ("0813-9999-8888", "+6281399998888"),
    ("+62 811 0000 111", "+628110000111"),
    ("62 813 9999 8888", "+6281399998888"),
    ("(0813) 9999 8888", "+6281399998888"),
    ("+33 6 12 34 56 78", "+33612345678"),  # international form, whatever the region
])
def test_numbers_are_read_in_the_default_region_or_international_form(app, client, public_id, typed, expected):
    assert client.post(f"/f/{public_id}", json={"name": "Sari", "phone": typed}).status_code == 201
    (submission,) = stored(app)
    assert submission.answers["phone"] == expected
    assert ("typed_phone" in submission.meta) == (typed != expected)


def test_an_e164_answer_keeps_no_typed_copy(app, client, public_id):
    assert client.post(f"/f/{public_id}", json={"name": "Sari", "phone": "+6281399998888"}).status_code == 201
    (submission,) = stored(app)
    assert "typed_phone" not in submission.meta


def test_the_workspace_region_reads_numbers_without_a_country_code(app, client, public_id):
    set_region(app, "MY")
    assert client.post(f"/f/{public_id}", json={"name": "Aisyah", "phone": "012-345 6789"}).status_code == 201
    (submission,) = stored(app)
    assert submission.answers["phone"] == "+60123456789"


def test_the_setting_gives_the_region_when_the_workspace_has_none(app, client, public_id):
    app.config["DEFAULT_PHONE_REGION"] = "MY"
    try:
        assert client.post(f"/f/{public_id}", json={"name": "Aisyah", "phone": "012-345 6789"}).status_code == 201
    finally:
        app.config["DEFAULT_PHONE_REGION"] = "ID"
    assert stored(app)[0].answers["phone"] == "+60123456789"


@pytest.mark.parametrize("typed", ["call me", "0812", "0813-9999-8888-1234-5678", "+62 000 0000 000", "1" * 80])
@pytest.mark.parametrize(("language", "words"), [
    ("en", "enter a valid phone number, such as 0812-345-678 or one starting with + and the country code"),
    ("id", "masukkan nomor telepon yang valid, misalnya 0812-345-678, atau nomor yang diawali + dan kode negara"),
])
def test_an_invalid_number_is_refused_in_the_visitors_language(app, client, public_id, typed, language, words):
    response = client.post(f"/f/{public_id}", json={"name": "Sari", "phone": typed},
                           headers={"Accept-Language": language})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == {"phone"}
    assert error["fields"]["phone"] == words
    assert stored(app) == []


@pytest.mark.parametrize(("language", "words"), [
    ("en", "enter a valid phone number, such as 0812-345-678"),
    ("id", "masukkan nomor telepon yang valid, misalnya 0812-345-678"),
])
def test_the_hosted_page_names_the_invalid_number(app, client, public_id, language, words):
    response = client.post(f"/f/{public_id}", data={"name": "Sari", "phone": "0812"},
                           headers={"Accept-Language": language})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}"' in html
    assert 'id="phone-error"' in html and words in html
    assert 'value="0812"' in html  # the visitor's text is still there to correct
    assert stored(app) == []


def test_the_example_follows_the_workspace_region(app, client, public_id):
    set_region(app, "MY")
    response = client.post(f"/f/{public_id}", json={"name": "Aisyah", "phone": "12"})
    assert "such as 012-345 6789" in response.get_json()["error"]["fields"]["phone"]


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ phone | e164 }}", "+6281399998888"),
    ("{{ phone | wa }}", "6281399998888"),
    ("https://wa.me/{{ local | wa }}", "https://wa.me/6281399998888"),
    ("{{ local | e164 }}", "+6281399998888"),
    ("{{ malaysian | e164('MY') }}", "+60123456789"),
    ("[{{ words | wa }}][{{ missing | wa }}][{{ count | e164 }}]", "[][][]"),
])
def test_the_phone_filters(app, source, expected):
    context = {"phone": "+6281399998888", "local": "0813-9999-8888", "malaysian": "012-345 6789",
               "words": "call me", "count": 3}
    with app.app_context():
        assert render(source, context, "text") == expected


def test_a_filter_refuses_an_unknown_region(app):
    with app.app_context(), pytest.raises(TemplateError, match="not a region code"):
        render("{{ phone | wa('XX') }}", {"phone": "0813"}, "text")
