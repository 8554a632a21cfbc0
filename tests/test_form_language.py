"""A form's language: auto (the visitor's Accept-Language) or fixed; the API and the dashboard set it."""

import re

import pytest

from app.core.extensions import db
from app.core.i18n import form_locale
from app.models import Form
from tests.api_support import assert_error
from tests.conftest import make_form


@pytest.mark.parametrize(("accept_language", "expected"), [
    (None, "en"),
    ("id", "id"),
    ("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", "id"),
    ("en-US,en;q=0.9,id;q=0.8", "en"),
    ("fr-FR, id;q=0.5", "id"),
    ("en;q=0.1, id;q=0.2", "id"),
    ("in-ID", "id"),
    ("de-DE,fr;q=0.8", "en"),
    ("*", "en"),
    ("ID-id", "id"),
])
def test_auto_follows_the_visitors_best_supported_language(app, accept_language, expected):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    with app.test_request_context("/f/x", headers=headers):
        assert form_locale(Form(language="auto")) == expected


@pytest.mark.parametrize("fixed", ["en", "id"])
@pytest.mark.parametrize("accept_language", ["id", "en", "de"])
def test_a_fixed_language_ignores_the_visitor(app, fixed, accept_language):
    with app.test_request_context("/f/x", headers={"Accept-Language": accept_language}):
        assert form_locale(Form(language=fixed)) == fixed


def test_outside_a_request_auto_is_english(app):
    """A job (a mail sent later) has no visitor: auto falls back to English, a fixed one stays."""
    with app.app_context():
        assert form_locale(Form(language="auto")) == "en"
        assert form_locale(Form(language="id")) == "id"


def test_a_new_form_is_auto(app, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    with app.app_context():
        assert db.session.get(Form, form_id).language == "auto"


def test_the_api_reads_and_writes_the_language(api):
    form = api.create_form()
    assert form["language"] == "auto" and form["submit_label"] is None
    fixed = api.create_form(language="id")
    assert fixed["language"] == "id"
    patched = api.patch(f"/forms/{form['id']}", json={"language": "en"}).get_json()
    assert patched["language"] == "en" and api.get(f"/forms/{form['id']}").get_json()["language"] == "en"


@pytest.mark.parametrize("value", ["fr", "ID", "", None, 1, ["id"]])
def test_the_api_refuses_an_unknown_language_naming_the_field(app, api, value):
    form = api.create_form()
    error = assert_error(api.patch(f"/forms/{form['id']}", json={"language": value, "name": "Renamed"}), 422,
                         "language")
    assert "auto" in error["fields"]["language"]
    assert api.get(f"/forms/{form['id']}").get_json()["name"] == "Leads"


def test_submit_label_null_restores_the_built_in_label(api, client):
    form = api.create_form(submit_label="Join")
    assert api.patch(f"/forms/{form['id']}", json={"submit_label": None}).get_json()["submit_label"] is None
    page = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert re.search(r'<button type="submit" class="submit step-submit">Submit</button>', page)


def test_the_form_settings_choose_the_language(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    accounts.login(client)
    page = client.get(f"/forms/{form_id}").get_data(as_text=True)
    assert '<select id="language" name="language"' in page and '<option selected value="auto">' in page
    saved = client.post(f"/forms/{form_id}", data={"name": "Leads", "language": "id", "enabled": "y"})
    assert saved.status_code == 302
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert (form.language, form.submit_label, form.thank_you_message) == ("id", "", "")
    refused = client.post(f"/forms/{form_id}", data={"name": "Leads", "language": "fr"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.get(Form, form_id).language == "id"


def test_a_new_form_from_the_dashboard_takes_its_language(app, client, accounts):
    accounts.user()
    accounts.login(client)
    assert client.post("/forms/new", data={"name": "Daftar", "language": "id"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Form.language).where(Form.name == "Daftar")) == "id"


def test_a_copy_keeps_the_language(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id, language="id")
    accounts.login(client)
    assert client.post(f"/forms/{form_id}/duplicate").status_code == 302
    with app.app_context():
        languages = db.session.scalars(db.select(Form.language)).all()
    assert languages == ["id", "id"]


def _assert_page_in(client, public_id, accept_language, lang, button):
    page = client.get(f"/f/{public_id}", headers={"Accept-Language": accept_language}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and f">{button}</button>" in page


def test_an_indonesian_visitor_reads_the_hosted_page_in_indonesian(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    _assert_page_in(client, public_id, "id-ID,id;q=0.9", "id", "Kirim")
    _assert_page_in(client, public_id, "en-US", "en", "Submit")


def test_a_fixed_language_wins_over_the_visitors(app, client, accounts):
    _, workspace_id = accounts.user()
    _, english_form = make_form(app, workspace_id, language="en")
    _, indonesian_form = make_form(app, workspace_id, language="id")
    _assert_page_in(client, english_form, "id", "en", "Submit")
    _assert_page_in(client, indonesian_form, "en", "id", "Kirim")


def test_the_owners_own_texts_stay_as_written(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, submit_label="Daftar sekarang", thank_you_message="Sampai jumpa!",
                             language="en")
    page = client.get(f"/f/{public_id}").get_data(as_text=True)
    assert ">Daftar sekarang</button>" in page
    thanks = client.post(f"/f/{public_id}", data={"name": "Ani", "email": "ani@example.com"}).get_data(as_text=True)
    assert "Sampai jumpa!" in thanks


def test_not_found_speaks_the_visitors_language(client):
    page = client.get("/f/nope", headers={"Accept-Language": "id"})
    assert page.status_code == 404 and "Formulir tidak ditemukan" in page.get_data(as_text=True)
    assert '<html lang="id">' in page.get_data(as_text=True)


def test_json_errors_of_an_indonesian_form_are_in_indonesian(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, [
        {"key": "name", "label": "Nama", "type": "text", "required": True},
        {"key": "email", "label": "Email", "type": "email", "required": True},
        {"key": "age", "label": "Umur", "type": "number"},
        {"key": "start", "label": "Mulai", "type": "date"},
    ], language="id")
    response = client.post(f"/f/{public_id}", json={"name": "", "email": "x", "age": "empat", "start": "2026-13-40"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "beberapa jawaban tidak valid"
    assert error["fields"] == {"name": "wajib diisi", "email": "masukkan alamat email yang valid",
                               "age": "masukkan angka", "start": "masukkan tanggal"}
    refused = client.post(f"/f/{public_id}", json=["not", "an", "object"])
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == "isi JSON harus berupa objek berisi jawaban"


def test_an_auto_form_answers_json_in_the_visitors_language(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    indonesian = client.post(f"/f/{public_id}", json={"name": ""}, headers={"Accept-Language": "id-ID"})
    assert indonesian.get_json()["error"]["fields"]["name"] == "wajib diisi"
    english = client.post(f"/f/{public_id}", json={"name": ""}, headers={"Accept-Language": "en-GB"})
    assert english.get_json()["error"]["fields"]["name"] == "this field is required"
    assert english.get_json()["error"]["message"] == "some answers are not valid"
