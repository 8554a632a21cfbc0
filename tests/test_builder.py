"""The builder pages: fields, keys, order, settings, copies and deletion, all workspace-scoped."""

import pytest

from app.core.extensions import db
from app.models import Field, Form, Submission
from tests.conftest import csrf_token_from, make_form, make_webhook


@pytest.fixture
def owner(app, client, accounts):
    _, workspace_id = accounts.user()
    accounts.login(client)
    return workspace_id


def fields_of(app, form_id):
    with app.app_context():
        return [(f.key, f.label, f.type) for f in db.session.get(Form, form_id).fields]


def add_field(client, form_id, **data):
    return client.post(f"/forms/{form_id}/fields", data={"type": "text", **data}, follow_redirects=True)


def test_create_a_form_and_add_every_field_type(app, client, owner):
    response = client.post("/forms/new", data={"name": "Leads", "submit_label": "Send", "enabled": "y"})
    assert response.status_code == 302
    form_id = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Form “Leads” created" in page

    for kind in ("text", "email", "number", "textarea", "date", "phone", "url"):
        assert add_field(client, form_id, label=f"My {kind}!", type=kind, required="y").status_code == 200
    for kind in ("select", "radio", "checkbox"):
        add_field(client, form_id, label=kind.title(), type=kind, options="Red\nGreen, Blue\n\n")
    page = add_field(client, form_id, label="Campaign", type="hidden", default="spring").get_data(as_text=True)
    assert "Field “Campaign” added as {{ campaign }}" in page

    assert [key for key, _, _ in fields_of(app, form_id)] == [
        "my_text", "my_email", "my_number", "my_textarea", "my_date", "my_phone", "my_url",
        "select", "radio", "checkbox", "campaign",
    ]
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert form.fields[7].options == ["Red", "Green", "Blue"]
        assert form.fields[10].default == "spring" and form.fields[0].required
        public_id = form.public_id
    hosted = client.get(f"/f/{public_id}").get_data(as_text=True)
    assert hosted.count('class="field field-') == 10 and ">Send</button>" in hosted


def test_keys_come_from_labels_stay_unique_and_can_be_edited(app, client, owner):
    form_id, _ = make_form(app, owner, [])
    add_field(client, form_id, label="Your e-mail")
    add_field(client, form_id, label="Your e-mail")
    add_field(client, form_id, label="Zoë's 1st pick")
    add_field(client, form_id, label="2024 budget")
    assert [key for key, _, _ in fields_of(app, form_id)] == [
        "your_e_mail", "your_e_mail_2", "zoe_s_1st_pick", "f_2024_budget",
    ]

    clash = client.post(f"/forms/{form_id}/fields", data={"label": "Mail", "key": "your_e_mail", "type": "text"})
    assert clash.status_code == 422 and "is used by another field" in clash.get_data(as_text=True)
    bad = client.post(f"/forms/{form_id}/fields", data={"label": "Mail", "key": "Bad Key", "type": "text"})
    assert bad.status_code == 422 and "must start with a letter" in bad.get_data(as_text=True)
    no_options = client.post(f"/forms/{form_id}/fields", data={"label": "Pick", "type": "radio"})
    assert no_options.status_code == 422 and "needs at least one option" in no_options.get_data(as_text=True)
    assert len(fields_of(app, form_id)) == 4

    with app.app_context():
        field_id = db.session.get(Form, form_id).fields[1].id
    edit_page = client.get(f"/forms/{form_id}/fields/{field_id}")
    assert edit_page.status_code == 200 and 'value="your_e_mail_2"' in edit_page.get_data(as_text=True)
    saved = client.post(f"/forms/{form_id}/fields/{field_id}", data={
        "label": "Work email", "key": "work_email", "type": "email", "required": "y", "placeholder": "you@company.com",
    }, follow_redirects=True)
    assert "Field “Work email” saved." in saved.get_data(as_text=True)
    assert fields_of(app, form_id)[1] == ("work_email", "Work email", "email")
    taken = client.post(
        f"/forms/{form_id}/fields/{field_id}", data={"label": "X", "key": "your_e_mail", "type": "text"},
    )
    assert taken.status_code == 422


def test_move_fields_with_buttons_and_delete_them(app, client, owner):
    form_id, _ = make_form(app, owner)
    with app.app_context():
        name_id, email_id, campaign_id = [f.id for f in db.session.get(Form, form_id).fields]

    page = client.post(f"/forms/{form_id}/fields/{campaign_id}/up", follow_redirects=True).get_data(as_text=True)
    assert "Field “Campaign” moved up." in page
    assert [k for k, _, _ in fields_of(app, form_id)] == ["name", "campaign_name", "email"]
    page = client.post(f"/forms/{form_id}/fields/{name_id}/up", follow_redirects=True).get_data(as_text=True)
    assert "already at the top" in page
    client.post(f"/forms/{form_id}/fields/{name_id}/down")
    assert [k for k, _, _ in fields_of(app, form_id)] == ["campaign_name", "name", "email"]

    page = client.post(f"/forms/{form_id}/fields/{email_id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Field “Email” deleted." in page
    assert [k for k, _, _ in fields_of(app, form_id)] == ["campaign_name", "name"]
    with app.app_context():
        assert [f.position for f in db.session.get(Form, form_id).fields] == [0, 1]
    assert client.post(f"/forms/{form_id}/fields/{name_id}/sideways").status_code == 404


def test_reorder_endpoint_saves_the_dragged_order(app, client, owner):
    form_id, _ = make_form(app, owner)
    with app.app_context():
        ids = [f.id for f in db.session.get(Form, form_id).fields]

    reordered = [ids[2], ids[0], ids[1]]
    response = client.post(
        f"/forms/{form_id}/fields/order", data={"order": reordered}, headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.get_json()["ok"] is True
    assert [k for k, _, _ in fields_of(app, form_id)] == ["campaign_name", "name", "email"]

    without_js = client.post(f"/forms/{form_id}/fields/order", data={"order": ids}, follow_redirects=True)
    assert "Field order saved." in without_js.get_data(as_text=True)

    for bad in ([ids[0], ids[1]], [*ids, ids[0]], [ids[0], ids[1], "fld_other"]):
        refused = client.post(
            f"/forms/{form_id}/fields/order", data={"order": bad}, headers={"Accept": "application/json"},
        )
        assert refused.status_code == 422 and refused.get_json()["error"]["fields"]["order"]
    assert [k for k, _, _ in fields_of(app, form_id)] == ["name", "email", "campaign_name"]


def test_reorder_and_actions_need_the_csrf_token(app, client, owner):
    app.config["WTF_CSRF_ENABLED"] = True
    form_id, _ = make_form(app, owner)
    with app.app_context():
        ids = [f.id for f in db.session.get(Form, form_id).fields]
    order = [ids[1], ids[0], ids[2]]
    assert client.post(f"/forms/{form_id}/fields/order", data={"order": order}).status_code == 400
    assert client.post(f"/forms/{form_id}/duplicate").status_code == 400
    assert client.post(f"/forms/{form_id}/delete").status_code == 400

    token = csrf_token_from(client.get(f"/forms/{form_id}").get_data(as_text=True))
    saved = client.post(f"/forms/{form_id}/fields/order", data={"order": order}, headers={
        "X-CSRFToken": token, "Accept": "application/json",
    })
    assert saved.status_code == 200
    assert [k for k, _, _ in fields_of(app, form_id)] == ["email", "name", "campaign_name"]


def test_settings_are_saved_and_validated(app, client, owner):
    form_id, public_id = make_form(app, owner)
    saved = client.post(f"/forms/{form_id}", data={
        "name": "Spring leads", "submit_label": "Join", "thank_you_message": "Merci !",
        "redirect_url": "https://shop.example/thanks",
    }, follow_redirects=True)
    assert "Form settings saved." in saved.get_data(as_text=True)
    with app.app_context():
        form = db.session.get(Form, form_id)
        assert (form.name, form.submit_label, form.thank_you_message, form.redirect_url, form.enabled) == (
            "Spring leads", "Join", "Merci !", "https://shop.example/thanks", False,
        )
    assert client.get(f"/f/{public_id}").status_code == 404

    invalid = client.post(f"/forms/{form_id}", data={"name": "", "submit_label": "Go", "redirect_url": "nope"})
    assert invalid.status_code == 422
    html = invalid.get_data(as_text=True)
    assert "This field is required." in html and "enter a full http(s) URL" in html


def test_duplicate_copies_fields_and_settings_but_not_answers_or_webhooks(app, client, owner, receiver):
    form_id, public_id = make_form(app, owner, submit_label="Go")
    make_webhook(app, form_id, receiver.url)
    client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})

    response = client.post(f"/forms/{form_id}/duplicate")
    copy_id = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Form duplicated as “Leads (copy)”" in page
    assert fields_of(app, copy_id) == fields_of(app, form_id)
    with app.app_context():
        copy = db.session.get(Form, copy_id)
        assert copy.public_id != public_id and copy.submit_label == "Go" and copy.webhooks == []
        assert db.session.scalar(db.select(db.func.count()).where(Submission.form_id == copy_id)) == 0


def test_delete_asks_first_then_removes_the_form_and_its_submissions(app, client, owner):
    form_id, public_id = make_form(app, owner)
    client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})
    question = client.get(f"/forms/{form_id}/delete").get_data(as_text=True)
    assert "Delete “Leads”?" in question and "1 submission" in question
    with app.app_context():
        assert db.session.get(Form, form_id) is not None

    done = client.post(f"/forms/{form_id}/delete", follow_redirects=True)
    assert "Form “Leads” deleted." in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Form, form_id) is None
        assert db.session.scalars(db.select(Submission)).all() == []
        assert db.session.scalars(db.select(Field)).all() == []
    assert client.get(f"/f/{public_id}").status_code == 404


def test_another_workspaces_form_is_404_everywhere(app, client, accounts, owner):
    _, other_workspace = accounts.user("other@example.com")
    form_id, public_id = make_form(app, other_workspace)
    client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})
    with app.app_context():
        field_id = db.session.get(Form, form_id).fields[0].id
        submission_id = db.session.scalars(db.select(Submission.id)).one()

    for path in (
        f"/forms/{form_id}", f"/forms/{form_id}/share", f"/forms/{form_id}/submissions",
        f"/forms/{form_id}/submissions.csv", f"/forms/{form_id}/submissions/{submission_id}",
        f"/forms/{form_id}/submissions/{submission_id}/delete", f"/forms/{form_id}/delete",
        f"/forms/{form_id}/fields/{field_id}",
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        f"/forms/{form_id}", f"/forms/{form_id}/fields", f"/forms/{form_id}/fields/order",
        f"/forms/{form_id}/fields/{field_id}/delete", f"/forms/{form_id}/duplicate", f"/forms/{form_id}/delete",
        f"/forms/{form_id}/submissions/{submission_id}/delete",
    ):
        assert client.post(path, data={"name": "x", "label": "x", "order": [field_id]}).status_code == 404, path
    assert fields_of(app, form_id)[0][0] == "name"
    with app.app_context():
        assert db.session.get(Submission, submission_id) is not None


def test_forms_list_shows_counts_and_the_share_panel_has_every_snippet(app, client, owner):
    form_id, public_id = make_form(app, owner)
    client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})
    listing = client.get("/forms").get_data(as_text=True)
    assert f'/forms/{form_id}/submissions">1</a>' in listing

    share = client.get(f"/forms/{form_id}/share").get_data(as_text=True)
    assert f"http://localhost/f/{public_id}" in share
    assert f"&lt;script src=&#34;http://localhost/f/{public_id}/embed.js&#34; async&gt;&lt;/script&gt;" in share
    assert f"&lt;iframe src=&#34;http://localhost/f/{public_id}?embed=1&#34;" in share
    assert f"&lt;form action=&#34;http://localhost/f/{public_id}&#34; method=&#34;post&#34;&gt;" in share
    assert share.count("data-copy-target=") == 4
    for name in ("link", "script", "iframe", "html"):
        assert f'<label for="snippet-{name}">' in share


def test_the_html_snippet_posts_a_valid_submission(app, client, owner):
    import re

    form_id, public_id = make_form(app, owner)
    share = client.get(f"/forms/{form_id}/share").get_data(as_text=True)
    assert re.search(r"name=&#34;campaign_name&#34; type=&#34;hidden&#34; value=&#34;spring&#34;", share)
    response = client.post(f"/f/{public_id}", data={"name": "A", "email": "a@example.com", "campaign_name": "spring"})
    assert response.status_code == 200


def test_dashboard_pages_use_no_inline_scripts_or_handlers(app, client, owner):
    import re

    form_id, public_id = make_form(app, owner)
    client.post(f"/f/{public_id}", json={"name": "A", "email": "a@example.com"})
    with app.app_context():
        submission_id = db.session.scalars(db.select(Submission.id)).one()
        field_id = db.session.get(Form, form_id).fields[0].id
    for path in (
        "/forms", "/forms/new", f"/forms/{form_id}", f"/forms/{form_id}/share", f"/forms/{form_id}/submissions",
        f"/forms/{form_id}/submissions/{submission_id}", f"/forms/{form_id}/fields/{field_id}",
        f"/forms/{form_id}/delete", f"/f/{public_id}", f"/f/{public_id}?embed=1",
    ):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+=", html), path
