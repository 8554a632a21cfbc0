"""Workspace time zones: the helper's conversions and labels, sign-up's browser zone, the settings page."""

from datetime import UTC, datetime

import pytest

from app.core import timezones
from app.core.extensions import db
from app.models import Workspace
from tests.mailbox import signup_link

MOMENT = datetime(2026, 12, 2, 14, 44, 5, tzinfo=UTC)


def test_labels_say_the_local_time_and_the_zone_in_the_locale():
    assert timezones.format_local(MOMENT, "Asia/Jakarta", "time", locale="en") == "21:44 WIB"
    assert timezones.format_local(MOMENT, "Asia/Jakarta", "time", locale="id") == "21.44 WIB"
    assert timezones.format_local(MOMENT, "Asia/Jakarta", locale="en") == "Dec 2, 2026, 21:44 WIB"
    assert timezones.format_local(MOMENT, "Asia/Jakarta", locale="id") == "2 Des 2026 21.44 WIB"
    assert timezones.format_local(MOMENT, "Asia/Makassar", "seconds", locale="id") == "2 Des 2026 22.44.05 WITA"
    assert timezones.format_local(MOMENT, "UTC", "time", locale="en") == "14:44 UTC"
    # a zone without an abbreviation shows its offset; summer and winter differ where they should
    assert timezones.format_local(MOMENT, "Asia/Dubai", "time", locale="en") == "18:44 +04"
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert timezones.format_local(summer, "Europe/Berlin", "time", locale="en") == "14:00 CEST"
    assert timezones.format_local(MOMENT, "Europe/Berlin", "time", locale="en") == "15:44 CET"
    assert timezones.format_local(None, "Asia/Jakarta") == ""


def test_unknown_zones_fall_back_to_utc():
    assert timezones.is_valid_zone("Asia/Jakarta") and timezones.is_valid_zone("UTC")
    for bad in ("Mars/Olympus", "asia/jakarta", "", None, "../../etc/passwd", "A" * 200):
        assert not timezones.is_valid_zone(bad)
        assert timezones.clean_zone(bad) == "UTC"
    assert timezones.clean_zone("  Asia/Jakarta ") == "Asia/Jakarta"
    assert timezones.format_local(MOMENT, "Mars/Olympus", "time", locale="en") == "14:44 UTC"


def test_local_filter_values_become_utc():
    jakarta = timezones.parse_local("2026-12-02T21:44", "Asia/Jakarta")
    assert jakarta == datetime(2026, 12, 2, 14, 44, tzinfo=UTC)
    # a bare date is the local day's start; end gives the next day's (or minute's) start, an exclusive bound
    assert timezones.parse_local("2026-12-02", "Asia/Jakarta") == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    assert timezones.parse_local("2026-12-02", "Asia/Jakarta", end=True) == datetime(
        2026, 12, 2, 17, 0, tzinfo=UTC)
    # the day summer time starts in Berlin is 23 hours long
    start = timezones.parse_local("2026-03-29", "Europe/Berlin")
    end = timezones.parse_local("2026-03-29", "Europe/Berlin", end=True)
    assert (end - start).total_seconds() == 23 * 3600
    assert timezones.parse_local("2026-12-02T21:44", "Asia/Jakarta", end=True) == datetime(
        2026, 12, 2, 14, 45, tzinfo=UTC)
    # an explicit offset is that moment whatever the zone
    assert timezones.parse_local("2026-12-02T21:44+07:00", "UTC") == datetime(2026, 12, 2, 14, 44, tzinfo=UTC)
    assert timezones.parse_local("  ", "Asia/Jakarta") is None
    for bad in ("yesterday", "2026-13-01", "2026-12-02T25:00", "9" * 40):
        with pytest.raises(ValueError):
            timezones.parse_local(bad, "Asia/Jakarta")
    assert timezones.input_value(MOMENT, "Asia/Jakarta") == "2026-12-02T21:44"
    assert timezones.input_value(datetime(2026, 12, 2, 18, 0, tzinfo=UTC), "Asia/Jakarta", "date") == "2026-12-03"
    assert timezones.to_local(MOMENT.replace(tzinfo=None), "Asia/Jakarta").hour == 21


def _sign_up(client, mailbox, **extra):
    data = {"email": "jakarta@example.com", "password": "a long password", **extra}
    assert client.post("/signup", data=data).status_code == 302
    link = signup_link(mailbox.wait_for(1)[0])
    assert client.post(link).status_code == 302
    return db.session.scalars(db.select(Workspace)).one()


@pytest.mark.parametrize(("browser_zone", "expected"), [
    ("Asia/Jakarta", "Asia/Jakarta"), ("Europe/Berlin", "Europe/Berlin"), ("Mars/Olympus", "UTC"), (None, "UTC"),
])
def test_signup_takes_the_zone_the_browser_reports(app, client, mailbox, browser_zone, expected):
    extra = {"timezone": browser_zone} if browser_zone else {}
    page = client.get("/signup").get_data(as_text=True)
    assert 'name="timezone"' in page and "data-browser-timezone" in page and "timezone.js" in page
    with app.app_context():
        assert _sign_up(client, mailbox, **extra).timezone == expected


def test_owner_changes_the_zone_and_every_page_follows(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    page = client.get("/settings/workspace")
    assert page.status_code == 200
    assert '<option selected value="UTC">' in page.get_data(as_text=True)
    saved = client.post("/settings/workspace", data={"timezone": "Asia/Jakarta", "phone_region": "ID"})
    assert saved.status_code == 303
    shown = client.get("/settings/workspace").get_data(as_text=True)
    assert '<option selected value="Asia/Jakarta">' in shown and " WIB" in shown
    with app.app_context():
        assert db.session.get(Workspace, workspace_id).timezone == "Asia/Jakarta"


def test_an_unknown_zone_is_refused_naming_the_field(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    refused = client.post("/settings/workspace", data={"timezone": "Mars/Olympus", "phone_region": "ID"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'class="field has-error"' in html and "Time zone" in html
    with app.app_context():
        assert db.session.get(Workspace, workspace_id).timezone == "UTC"


def test_members_see_the_settings_but_only_managers_change_them(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.user("member@example.com", workspace="owner@example.com's workspace")  # joins as a member
    accounts.login(client, "member@example.com")
    page = client.get("/settings/workspace").get_data(as_text=True)
    assert 'id="workspace-timezone">UTC<' in page and "<select" not in page
    refused = client.post("/settings/workspace", data={"timezone": "Asia/Jakarta", "phone_region": "ID"})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(Workspace, workspace_id).timezone == "UTC"
