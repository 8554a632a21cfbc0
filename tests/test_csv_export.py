"""The CSV export as a spreadsheet reads it: phone numbers and leading zeros kept, local times, labels."""

import csv
import io
from datetime import UTC, datetime

import pytest

from app.core.extensions import db
from app.dashboard.csv_export import _cell, excel_would_change
from app.models import Submission, Workspace
from tests.conftest import make_form

FIELDS = [
    {"key": "name", "label": "Nama lengkap", "type": "text"},
    {"key": "phone", "label": "Nomor WhatsApp", "type": "phone"},
    {"key": "member_no", "label": "Member number", "type": "text"},
    {"key": "nik", "label": "NIK", "type": "text"},
    {"key": "age", "label": "Age", "type": "number"},
]


@pytest.fixture
def export(app, client, accounts):
    """A Jakarta workspace's form with one lead sent through the hosted page; fetch(query) gives the CSV rows."""
    _, workspace_id = accounts.user()
    with app.app_context():
        db.session.get(Workspace, workspace_id).timezone = "Asia/Jakarta"
        db.session.commit()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    assert client.post(f"/f/{public_id}", json={
        "name": "=HYPERLINK(\"http://evil.example\")", "phone": "0813-9999-8888", "member_no": "081234567891",
        "nik": "3174012345678901", "age": 42,
    }).status_code == 201
    with app.app_context():
        db.session.scalars(db.select(Submission)).one().created_at = datetime(2026, 12, 2, 14, 44, 5, tzinfo=UTC)
        db.session.commit()
    accounts.login(client)

    def fetch(query=""):
        raw = client.get(f"/forms/{form_id}/submissions.csv{query}").get_data()
        return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))

    return fetch


def test_people_get_labels_local_times_and_numbers_kept_as_text(export):
    header, row = export()
    assert header[:7] == ["Submission", "Created at (Asia/Jakarta)", "Nama lengkap", "Nomor WhatsApp",
                          "Member number", "NIK", "Age"]
    assert row[1] == "2026-12-02 21:44:05 WIB"
    assert row[2] == "'=HYPERLINK(\"http://evil.example\")"  # a formula still never runs
    assert row[3:7] == ['="+6281399998888"', '="081234567891"', '="3174012345678901"', "42"]


def test_scripts_get_keys_raw_values_and_iso_times_with_the_offset(export):
    header, row = export("?headers=keys")
    assert header[:4] == ["submission_id", "created_at", "name", "phone"]
    assert row[1] == "2026-12-02T21:44:05+07:00"
    assert row[3:7] == ["+6281399998888", "081234567891", "3174012345678901", "42"]


def test_an_indonesian_dashboard_heads_the_meta_columns_in_indonesian(app):
    with app.test_request_context():
        from app.core.i18n import use_locale
        from app.dashboard.csv_export import header_row

        use_locale("id")
        assert header_row([], zone_name="Asia/Jakarta")[:3] == ["Kiriman", "Dibuat pada (Asia/Jakarta)", "Perujuk"]


@pytest.mark.parametrize(("text", "cell"), [
    ("081234567891", '="081234567891"'),
    ("+62 813 9999 8888", '="+62 813 9999 8888"'),
    ("6281399998888", '="6281399998888"'),  # 13 digits: E notation in Excel
    ("12345678901", "12345678901"),  # 11 digits: Excel shows them as they are
    ("0.5", "0.5"),
    ("0", "0"),
    ("-42", "-42"),
    ("2026-04-02", "2026-04-02"),
    ('0812"&cmd', '0812"&cmd'),  # not digits: never inside ="…"
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
])
def test_cells_for_people(text, cell):
    assert _cell(text, for_people=True) == cell
    assert excel_would_change(text) == cell.startswith('="')
