"""The Design tab, the workspace's default theme and closing rules, through the dashboard's pages."""

import re
from datetime import UTC, datetime

from app.core.extensions import db
from app.models import Form, Submission, Workspace
from tests.conftest import make_form


def _style(html):
    return re.search(r"<style nonce=\"[^\"]+\">([^<]*)</style>", html).group(1)


def _owner(app, accounts, client, zone="UTC"):
    _user_id, workspace_id = accounts.user()
    with app.app_context():
        db.session.get(Workspace, workspace_id).timezone = zone
        db.session.commit()
    accounts.login(client)
    return workspace_id


DESIGN = {
    "description": "Join **us**", "cover_image_url": "", "logo_url": "https://img.example/logo.png",
    "theme_source": "own", "accent": "#e4572e", "background": "#101820", "font": "serif", "radius": "20",
    "mode": "dark",
}


def test_design_saves_through_the_api_rules_and_the_hosted_page_shows_it(app, client, accounts):
    workspace_id = _owner(app, accounts, client)
    form_id, public_id = make_form(app, workspace_id)
    page = client.get(f"/forms/{form_id}/design")
    assert page.status_code == 200 and 'name="accent"' in page.get_data(as_text=True)

    response = client.post(f"/forms/{form_id}/design", data=DESIGN)
    assert response.status_code == 303
    html = client.get(f"/f/{public_id}").get_data(as_text=True)
    assert "--accent:#e4572e" in _style(html) and "--radius:20px" in _style(html) and "Charter" in _style(html)
    assert "theme-dark" in html and "<strong>us</strong>" in html and 'src="https://img.example/logo.png"' in html
    with app.app_context():
        assert db.session.get(Form, form_id).theme == {
            "accent": "#e4572e", "background": "#101820", "font": "serif", "radius": 20, "mode": "dark"}


def test_design_refuses_bad_values_naming_each_box_and_stores_nothing(app, client, accounts):
    workspace_id = _owner(app, accounts, client)
    form_id, _public_id = make_form(app, workspace_id)
    bad = {**DESIGN, "cover_image_url": "http://img.example/c.jpg", "accent": "red;}body{x", "radius": "99"}
    response = client.post(f"/forms/{form_id}/design", data=bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="cover_image_url-error">enter the https:// address of an image', html)
    assert re.search(r'id="accent-error">must be a colour written #rrggbb', html)
    assert re.search(r'id="radius-error">must be a whole number of pixels from 0 to 24', html)
    assert 'aria-describedby="cover_image_url-hint cover_image_url-error"' in html
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert form.theme is None and form.logo_url is None and form.description is None


def test_preview_draws_the_draft_without_saving_it(app, client, accounts):
    workspace_id = _owner(app, accounts, client)
    form_id, _public_id = make_form(app, workspace_id)
    saved = client.get(f"/forms/{form_id}/design/preview")
    assert saved.status_code == 200 and "--accent:#3b4fd8" in _style(saved.get_data(as_text=True))
    assert "frame-ancestors 'self'" in saved.headers["Content-Security-Policy"]
    assert saved.headers["X-Frame-Options"] == "SAMEORIGIN"

    draft = client.post(f"/forms/{form_id}/design/preview", data={**DESIGN, "radius": "oops"})
    html = draft.get_data(as_text=True)
    # a value that would be refused is drawn as saved; the rest of the draft is drawn
    assert draft.status_code == 200 and "--accent:#e4572e" in _style(html) and "--radius:12px" in _style(html)
    assert "theme-dark" in html and f'action="/f/{_public_id}?preview=1"' in html
    with app.app_context():
        assert db.session.get(Form, form_id).theme is None


def test_a_form_without_its_own_theme_follows_the_workspace_default(app, client, accounts):
    workspace_id = _owner(app, accounts, client)
    _form_id, public_id = make_form(app, workspace_id)
    own_id, own_public_id = make_form(app, workspace_id, theme={**DESIGN, "radius": 2} | {"mode": "light"})
    theme = {"theme-accent": "#0a7d55", "theme-background": "#fdf6e3", "theme-font": "rounded",
             "theme-radius": "4", "theme-mode": "light"}
    assert client.post("/settings/workspace/theme", data={**theme, "theme-font": "comic"}).status_code == 422
    assert client.post("/settings/workspace/theme", data=theme).status_code == 303
    assert "--accent:#0a7d55" in _style(client.get(f"/f/{public_id}").get_data(as_text=True))
    assert "--accent:#e4572e" in _style(client.get(f"/f/{own_public_id}").get_data(as_text=True))
    settings = client.get("/settings/workspace").get_data(as_text=True)
    assert 'value="#0a7d55"' in settings

    assert client.post("/settings/workspace/theme", data={"theme_action": "reset"}).status_code == 303
    assert "--accent:#3b4fd8" in _style(client.get(f"/f/{public_id}").get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Workspace, workspace_id).theme is None


def test_closing_time_is_typed_in_the_workspace_zone_and_stored_in_utc(app, client, accounts):
    workspace_id = _owner(app, accounts, client, zone="Asia/Jakarta")
    form_id, public_id = make_form(app, workspace_id)
    page = client.get(f"/forms/{form_id}/design").get_data(as_text=True)
    assert "Asia/Jakarta (WIB)" in page

    response = client.post(f"/forms/{form_id}/closing", data={
        "closes_at": "2030-01-15T17:30", "max_submissions": "", "closed_message": "See you next year"})
    assert response.status_code == 303
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert form.closes_at == datetime(2030, 1, 15, 10, 30, tzinfo=UTC) and form.max_submissions is None
    page = client.get(f"/forms/{form_id}/design").get_data(as_text=True)
    assert 'value="2030-01-15T17:30"' in page and ("17.30 WIB" in page or "17:30 WIB" in page)
    assert client.get(f"/f/{public_id}").status_code == 200

    client.post(f"/forms/{form_id}/closing", data={
        "closes_at": "2020-01-01T08:00", "max_submissions": "", "closed_message": "See you next year"})
    closed = client.get(f"/f/{public_id}")
    assert closed.status_code == 410 and "See you next year" in closed.get_data(as_text=True)


def test_closing_rules_refuse_bad_values_naming_the_box(app, client, accounts):
    workspace_id = _owner(app, accounts, client)
    form_id, _public_id = make_form(app, workspace_id)
    for data, box, message in (
        ({"closes_at": "next tuesday"}, "closes_at", "pick a date and a time"),
        ({"max_submissions": "0"}, "max_submissions", "enter a whole number from 1 to 10000000, or leave it empty"),
        ({"max_submissions": "many"}, "max_submissions", "Not a valid integer value"),
        ({"closed_message": "x" * 2001}, "closed_message", "must be at most 2000 characters"),
    ):
        response = client.post(f"/forms/{form_id}/closing", data=data)
        assert response.status_code == 422, data
        assert re.search(rf'id="{box}-error">{message}', response.get_data(as_text=True)), data
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert (form.closes_at, form.max_submissions, form.closed_message) == (None, None, None)


def test_close_after_n_submissions_answers_410_with_the_message(app, client, accounts):
    workspace_id = _owner(app, accounts, client)
    form_id, public_id = make_form(app, workspace_id)
    client.post(f"/forms/{form_id}/closing", data={"max_submissions": "1", "closed_message": "Sold out"})
    with app.app_context():
        db.session.add(Submission(form_id=form_id, workspace_id=workspace_id, answers={}, meta={}))
        db.session.commit()
    design_page = client.get(f"/forms/{form_id}/design").get_data(as_text=True)
    assert "Closed: the limit of submissions (1) is reached" in design_page
    post = client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})
    assert post.status_code == 410 and post.get_json()["error"] == {"code": "form_closed", "message": "Sold out"}


def test_the_design_tab_speaks_indonesian(app, client, accounts):
    workspace_id = _owner(app, accounts, client, zone="Asia/Jakarta")
    form_id, _public_id = make_form(app, workspace_id)
    headers = {"Accept-Language": "id"}
    page = client.get(f"/forms/{form_id}/design", headers=headers).get_data(as_text=True)
    assert "Warna aksen" in page and "Aturan penutupan" in page and "Asia/Jakarta (WIB)" in page
    refused = client.post(f"/forms/{form_id}/closing", data={"max_submissions": "banyak"}, headers=headers)
    assert refused.status_code == 422
    assert 'id="max_submissions-error">Bukan bilangan bulat' in refused.get_data(as_text=True)
