"""The pieces behind the webhook screens: key renames in templates, masked URLs, Telegram's chat lookup."""

import pytest

from app.dashboard.webhook_editor import masked_settings, unmask_url
from app.delivery.templating import check_template, near_match
from app.services.field_renames import rename_in_template, template_uses
from tests.conftest import make_form

TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-ra"


def test_a_rename_touches_only_uses_of_the_name():
    source = ('{"c": "{{ campaign }}", "d": "{{campaign|default(\'x\')|truncate(length=5)}}"}\r\n'
              '{% if campaign == "campaign" %}{{ form.campaign }}{% endif %}{# campaign #}{{ campaigns }}')
    assert rename_in_template(source, "campaign", "campaign_choice") == (
        '{"c": "{{ campaign_choice }}", "d": "{{campaign_choice|default(\'x\')|truncate(length=5)}}"}\r\n'
        '{% if campaign_choice == "campaign" %}{{ form.campaign }}{% endif %}{# campaign #}{{ campaigns }}')
    assert rename_in_template("{{ x|truncate(length=3) }}", "length", "size") == "{{ x|truncate(length=3) }}"
    assert not template_uses("plain text with campaign in it", "campaign")


def test_unknown_names_suggest_the_near_match_only_when_it_is_near():
    assert check_template("{{ campaing }}", ["campaign"]) == [
        "unknown name 'campaing' renders as empty (did you mean campaign?)"]
    assert near_match("campaign", {"campaign_choice", "email"}) == "campaign_choice"
    assert near_match("campaign_type", {"campaign_name"}) is None  # a different field, not a typo
    assert near_match("zzz", {"email"}) is None


def test_a_masked_url_saves_back_to_its_tokens():
    stored = f"https://u:pw@api.telegram.org/bot{TOKEN}/sendMessage?token=abc&c={{{{ campaign }}}}"
    shown = masked_settings({"url": stored, "headers": {}})["url"]
    assert TOKEN not in shown and "pw@" not in shown and "token=abc" not in shown
    assert unmask_url(shown, stored) == stored
    edited = shown.replace("sendMessage", "sendPhoto")
    assert unmask_url(edited, stored) == stored.replace("sendMessage", "sendPhoto")
    assert unmask_url("https://api.telegram.org/bot••••••/x", stored) is None  # which mask is which? ask to reveal
    assert unmask_url("https://plain.example/", stored) == "https://plain.example/"


@pytest.mark.app_config(WEBHOOK_ALLOWED_NETWORKS=[])
def test_find_my_chat_id_goes_through_the_address_checks(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    accounts.login(client)
    app.config["TELEGRAM_API_URL"] = receiver.url  # a loopback Bot API, not allowed here
    response = client.post(f"/forms/{form_id}/webhooks/telegram/chats", data={"bot_token": TOKEN})
    assert response.status_code == 422
    assert "could not be reached" in response.get_json()["error"]["message"]
    assert receiver.requests == []
    bad = client.post(f"/forms/{form_id}/webhooks/telegram/chats", data={"bot_token": "nope"})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"]["bot_token"]


def test_find_my_chat_id_explains_a_refused_token(app, client, accounts, receiver):
    from tests.receiver import Reply

    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    accounts.login(client)
    app.config["TELEGRAM_API_URL"] = receiver.url
    receiver.reply(Reply(401, {}, b'{"ok": false, "error_code": 401, "description": "Unauthorized"}'),
                   Reply(200, {}, b'{"ok": true, "result": []}'))
    first = client.post(f"/forms/{form_id}/webhooks/telegram/chats", data={"bot_token": TOKEN})
    assert "did not accept this bot token" in first.get_json()["error"]["message"]
    second = client.post(f"/forms/{form_id}/webhooks/telegram/chats", data={"bot_token": TOKEN})
    assert "No chats yet" in second.get_json()["error"]["message"]


def test_csv_export_follows_the_search_and_heads_columns_with_labels(app, client, accounts):
    import csv
    import io

    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, [
        {"key": "name", "label": "=Full name", "type": "text"},
        {"key": "email", "label": "Email", "type": "email"},
    ])
    for name in ("Ana", "Bob"):
        assert client.post(f"/f/{public_id}", json={"name": name, "email": f"{name}@example.com"}).status_code == 201
    accounts.login(client)
    text = client.get(f"/forms/{form_id}/submissions.csv?q=bob").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Submission", "Created at (UTC)", "'=Full name", "Email"]  # labels, formula-safe
    assert [row[2] for row in rows[1:]] == ["Bob"]
    keys = list(csv.reader(io.StringIO(client.get(f"/forms/{form_id}/submissions.csv?headers=keys")
                                       .get_data().decode("utf-8-sig"))))
    assert keys[0][:4] == ["submission_id", "created_at", "name", "email"] and len(keys) == 3
