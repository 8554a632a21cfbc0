"""The en/id catalogues hold every string of ours, translated; the check names what is missing."""

import shutil

import pytest
from babel.messages.pofile import read_po
from flask import g
from flask_babel import force_locale, gettext

from app.runtime import catalogues


@pytest.fixture(scope="module")
def template():
    return catalogues.extract()


@pytest.fixture
def copied(tmp_path):
    """A copy of the real catalogues, to break on purpose."""
    shutil.copytree(catalogues.TRANSLATIONS_DIR, tmp_path, dirs_exist_ok=True)
    return tmp_path


def _edit(directory, locale, change):
    path = catalogues.catalogue_path(locale, directory)
    catalog = catalogues.load(path)
    change(catalog)
    catalogues.save(catalog, path)


def test_every_string_of_ours_is_translated_in_both_catalogues(template):
    assert len(template) > 100, "the extraction finds our strings"
    assert catalogues.problems(template=template) == []


def test_check_names_a_missing_translation(copied, template):
    _edit(copied, "id", lambda c: c.delete("this field is required"))
    assert catalogues.problems(copied, template) == ["id: missing 'this field is required'"]


def test_check_names_fuzzy_untranslated_and_broken_placeholders(copied, template):
    def spoil(catalog):
        catalog.get("Copy").flags.add("fuzzy")
        catalog.get("Sending…").string = ""
        catalog.get("Workspace: %(name)s").string = "Ruang kerja: %(nama)s"

    _edit(copied, "id", spoil)
    assert sorted(catalogues.problems(copied, template)) == [
        "id: fuzzy 'Copy'",
        "id: placeholders differ in 'Workspace: %(name)s'",
        "id: untranslated 'Sending…'",
    ]


def test_check_names_a_string_the_source_no_longer_has(copied, template):
    _edit(copied, "en", lambda c: c.add("A sentence nobody says", "A sentence nobody says"))
    assert catalogues.problems(copied, template) == [
        "en: stale 'A sentence nobody says' (no longer in the source; run make translations)"
    ]


def test_a_new_string_without_its_indonesian_fails_the_check(copied, template):
    template.add("A brand new button")
    catalogues.update(copied, template)
    assert catalogues.problems(copied, template) == ["id: untranslated 'A brand new button'"]
    with open(catalogues.catalogue_path("en", copied), "rb") as handle:
        assert read_po(handle).get("A brand new button").string == "A brand new button"


def test_the_command_exits_non_zero_when_the_check_fails(copied, template, monkeypatch, capsys):
    _edit(copied, "id", lambda c: c.delete("Copy"))
    monkeypatch.setattr(catalogues, "TRANSLATIONS_DIR", copied)
    monkeypatch.setattr(catalogues, "extract", lambda: template)
    assert catalogues.main(["catalogues", "check"]) == 1
    assert "id: missing 'Copy'" in capsys.readouterr().out


def test_the_app_answers_in_indonesian_from_the_compiled_catalogue(app):
    with app.test_request_context():
        g.locale = "id"
        assert gettext("this field is required") == "wajib diisi"
    with app.test_request_context():
        assert gettext("this field is required") == "this field is required"
        with force_locale("id"):
            assert gettext("Copy") == "Salin"
