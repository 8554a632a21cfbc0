"""Secrets at rest: encrypted rows, masked attempt records, masked UI and clean logs."""

import ast
import json
import logging
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, text

from app.core import crypto
from app.core.extensions import db
from app.core.redaction import MASK, is_sensitive, mask_headers, redact
from app.models import Attempt, Webhook
from tests.conftest import drain, make_form, make_webhook
from tests.mailbox import signup_link

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
BEARER = "sk_live_51HxQYzLqW3rT9vKp2MnB"
FIELDS = [{"key": "email", "label": "Email", "type": "email", "required": True}]


def _webhook_with_credentials(app, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS)
    webhook_id = make_webhook(
        app, form_id, f"{receiver.url}/bot{BOT_TOKEN}/sendMessage?chat_id=42&access_token={BEARER}x",
        headers={"Authorization": f"Bearer {BEARER}", "X-Api-Key": f"{BEARER}k"},
    )
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        webhook.rotate_secret()
        db.session.commit()
        secrets = (webhook.secret, webhook.previous_secret)
    return form_id, public_id, webhook_id, secrets


def _raw_webhook_rows(app):
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM webhooks")).all()
        return " ".join(str(value) for row in rows for value in row)


def test_raw_database_row_holds_no_plaintext_secret_header_or_token(app, accounts, receiver):
    _, _, webhook_id, secrets = _webhook_with_credentials(app, accounts, receiver)
    raw = _raw_webhook_rows(app)
    for plaintext in (*secrets, BOT_TOKEN, BEARER, "whsec_", "Authorization", "sendMessage"):
        assert plaintext not in raw
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert webhook.headers["Authorization"] == f"Bearer {BEARER}"
        assert BOT_TOKEN in webhook.url and webhook.previous_secret == secrets[1]


def test_delivery_sends_credentials_but_records_and_logs_none(app, client, accounts, receiver, caplog):
    _, public_id, _, secrets = _webhook_with_credentials(app, accounts, receiver)
    caplog.set_level(logging.DEBUG)
    response = client.post(f"/f/{public_id}", json={"email": "ana@example.com"})
    assert response.status_code == 201
    drain(app)
    logging.getLogger("app.test").warning("leaked %s with Bearer %s at /bot%s/", secrets[0], BEARER, BOT_TOKEN)

    (received,) = receiver.wait_for(1)
    assert received.headers["authorization"] == f"Bearer {BEARER}"
    assert received.path == f"/bot{BOT_TOKEN}/sendMessage"
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt)).one()
        recorded = str(attempt.request)
    assert "chat_id=42" in recorded
    logs = caplog.text + " ".join(str(record.args) for record in caplog.records)
    assert "attempt 1: succeeded" in logs
    for plaintext in (*secrets, BOT_TOKEN, BEARER):
        assert plaintext not in recorded
        assert plaintext not in logs


def test_dashboard_masks_secret_and_credentials_until_revealed(app, client, accounts, receiver):
    form_id, _, webhook_id, secrets = _webhook_with_credentials(app, accounts, receiver)
    accounts.login(client)
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert secrets[0] not in page and secrets[1] not in page
    revealed = client.post(f"/forms/{form_id}/webhooks/{webhook_id}/secret")
    assert revealed.status_code == 200 and revealed.get_json()["secret"] == secrets[0]


def test_rotate_command_reencrypts_with_the_new_key(app, client, runner, accounts, receiver):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["SECRETS_KEYS"] = [old_key]
    crypto.init_app(app)
    form_id, _, webhook_id, secrets = _webhook_with_credentials(app, accounts, receiver)
    with app.app_context():
        workspace_id = db.session.get(Webhook, webhook_id).workspace_id
    auth = {"Authorization": f"Bearer {accounts.api_key(workspace_id)}", "Idempotency-Key": "hook-2"}
    body = {"url": f"{receiver.url}/two", "headers": {"Authorization": f"Bearer {BEARER}"}}
    first = client.post(f"/api/v1/forms/{form_id}/webhooks", json=body, headers=auth)
    assert first.status_code == 201

    app.config["SECRETS_KEYS"] = [new_key, old_key]
    crypto.init_app(app)
    result = runner.invoke(args=["secrets", "rotate"])
    assert result.exit_code == 0 and "re-encrypted 2 webhook(s) and 1 remembered API answer(s)" in result.output

    app.config["SECRETS_KEYS"] = [new_key]
    crypto.init_app(app)
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert (webhook.secret, webhook.previous_secret) == secrets
        assert webhook.headers["Authorization"] == f"Bearer {BEARER}"
        db.session.remove()
    raw = _raw_webhook_rows(app)
    assert BEARER not in raw and secrets[0] not in raw
    replayed = client.post(f"/api/v1/forms/{form_id}/webhooks", json=body, headers=auth)
    assert replayed.headers["Idempotent-Replayed"] == "true" and replayed.get_json() == first.get_json()


def test_redact_masks_known_credential_shapes():
    line = (
        "GET https://user:hunter2pass@api.example/bot12:abcDEF_-x/send?token=t0k3n&name=Zoe "
        "Authorization: Bearer abc.def.ghi whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw fh_abcdefghijklmnopqrstuv "
        '"GET /password/reset/Xy_9-resetTokenValue HTTP/1.1" 200'
    )
    cleaned = redact(line)
    for plaintext in ("hunter2pass", "abcDEF_-x", "t0k3n", "abc.def.ghi", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                      "abcdefghijklmnopqrstuv", "Xy_9-resetTokenValue"):
        assert plaintext not in cleaned
    assert "name=Zoe" in cleaned and "api.example" in cleaned


def test_editor_masks_credential_headers_and_keeps_them_when_saved_unchanged(app, client, accounts, receiver):
    form_id, _, webhook_id, _ = _webhook_with_credentials(app, accounts, receiver)
    accounts.login(client)
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert f"Bearer {BEARER}" not in page and f"{BEARER}k" not in page and MASK in page
    with app.app_context():
        url = db.session.get(Webhook, webhook_id).url
    posted = {"url": url, "method": "POST", "format": "json", "enabled": "y",
              "header_name": ["Authorization", "X-Api-Key"], "header_value": [MASK, "new-key-value"]}
    assert client.post(f"/forms/{form_id}/webhooks/{webhook_id}", data=posted).status_code == 302
    with app.app_context():
        headers = db.session.get(Webhook, webhook_id).headers
    assert headers == {"Authorization": f"Bearer {BEARER}", "X-Api-Key": "new-key-value"}


# planted through every path that takes a credential; none may be stored readable anywhere
SIGNUP_PASSWORD = "signup-Passphrase-7731"
CLI_PASSWORD = "cli-Passphrase-5519"
INVITE_PASSWORD = "invite-Passphrase-2284"
RESET_PASSWORD = "reset-Passphrase-9046"
QUERY_TOKEN = "qtok_4f9a1c77e2b35d08"
QUERY_TOKEN_2 = "qtok_b81d0e6a93f4c215"
HEADER_KEY = "hdrkey_77c1e9a0b3d4f562"
HEADER_KEY_2 = "hdrkey_0a5e3c19d7b8f246"
USERINFO_PASSWORD = "uipass_d3c8a1f07e6b9254"
DASH_QUERY_TOKEN = "dqtok_5b2e8f1a0c9d7346"
DASH_HEADER_VALUE = "dhval_e4a7c2b9f1d03586"
DASH_HEADER_VALUE_2 = "dhval_19f0b7e2c5a84d63"
CONTROL_ANSWER = "lead-at-rest@example.com"  # not a secret: the scan must find it, or it read nothing


def _variants(secret):
    """The spellings a stored copy could take: as is, JSON-escaped, URL-encoded, a secret's key material."""
    spellings = {secret, json.dumps(secret)[1:-1], quote(secret, safe="")}
    if secret.startswith("whsec_"):
        spellings.add(secret.removeprefix("whsec_"))
    return spellings


def _every_stored_value(app):
    """{(table, column): [text of each value]} of every column of every table the database has.

    The tables and columns are reflected from the database itself, not listed from the models,
    so a table or column added later is scanned without anyone remembering to add it here.
    """
    stored = {}
    with app.app_context():
        engine = db.engine
        inspector = inspect(engine)
        tables = inspector.get_table_names()
        assert set(db.metadata.tables) <= set(tables), "the reflected schema misses model tables"
        with engine.connect() as connection:
            for table in tables:
                columns = [column["name"] for column in inspector.get_columns(table)]
                quoted = ", ".join(engine.dialect.identifier_preparer.quote(name) for name in columns)
                rows = connection.execute(
                    text(f"SELECT {quoted} FROM {engine.dialect.identifier_preparer.quote(table)}")
                ).all()
                for name, values in zip(columns, zip(*rows, strict=True) if rows else [() for _ in columns],
                                        strict=True):
                    stored[(table, name)] = [
                        value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in values
                    ]
    return stored


def _found(stored, spellings):
    return sorted({f"{table}.{column}" for (table, column), values in stored.items()
                   for value in values for spelling in spellings if spelling in value})


def _link(text_, pattern):
    match = re.search(pattern, text_)
    assert match, f"no {pattern} in the page or mail"
    return match.group(1)


def _plant_through_the_dashboard(app, client, runner, receiver, mailbox):
    """Sign up, make keys and webhooks, invite and reset through the dashboard and the CLI; return the secrets."""
    planted = {"signup password": SIGNUP_PASSWORD, "CLI password": CLI_PASSWORD,
               "invitation password": INVITE_PASSWORD, "reset password": RESET_PASSWORD}
    signed_up = client.post("/signup", data={"email": "owner@rest.example", "password": SIGNUP_PASSWORD,
                                             "workspace": "Acme"})
    assert signed_up.status_code == 302, signed_up.get_data(as_text=True)
    assert client.post(signup_link(mailbox.wait_for(1)[0])).status_code == 302  # the emailed link finishes it
    keys_page = client.post("/settings/api-keys", data={"name": "dashboard key"}, follow_redirects=True).get_data(
        as_text=True)
    planted["dashboard API key"] = _link(keys_page, r"(fh_[A-Za-z0-9_-]{16,})")
    created = runner.invoke(args=["user", "create", "--email", "cli@rest.example", "--password", CLI_PASSWORD])
    assert created.exit_code == 0, created.output
    issued = runner.invoke(args=["apikey", "create", "--email", "owner@rest.example"])
    assert issued.exit_code == 0, issued.output
    planted["CLI API key"] = issued.output.strip().splitlines()[-1]

    invited = client.post("/workspace/invitations", data={"email": "zoe@rest.example", "role": "member"},
                          follow_redirects=True)
    invite_path = _link(invited.get_data(as_text=True), r"http://[^/\s]+(/invite/[A-Za-z0-9_-]+)")
    planted["invitation token"] = invite_path.rsplit("/", 1)[1]
    assert app.test_client().post(invite_path, data={"password": INVITE_PASSWORD}).status_code == 302

    assert app.test_client().post("/password/forgot", data={"email": "cli@rest.example"}).status_code == 302
    (message,) = [mail for mail in mailbox.wait_for(3) if mail["To"] == "cli@rest.example"]  # sign-up, invitation
    reset_path = _link(message.get_payload(decode=True).decode(), r"(/password/reset/[\w-]+)")
    planted["reset token"] = reset_path.rsplit("/", 1)[1]
    reset = app.test_client().post(reset_path, data={"password": RESET_PASSWORD, "confirm": RESET_PASSWORD})
    assert reset.status_code == 302
    return planted


def _plant_through_the_api(client, key, receiver):
    """Forms and webhooks with credentials, each POST sent twice with an Idempotency-Key; return the secrets."""
    auth = {"Authorization": f"Bearer {key}"}

    def twice(path, body=None, idempotency_key=None):
        headers = {**auth, "Idempotency-Key": idempotency_key}
        first = client.post(f"/api/v1{path}", json=body, headers=headers)
        again = client.post(f"/api/v1{path}", json=body, headers=headers)
        assert first.status_code in (200, 201, 202), first.get_json()
        assert again.headers.get("Idempotent-Replayed") == "true" and again.get_json() == first.get_json()
        return first.get_json()

    form = twice("/forms", {"name": "Leads", "fields": FIELDS}, "form-1")
    webhook = twice(f"/forms/{form['id']}/webhooks", {
        "url": f"{receiver.url}/bot{BOT_TOKEN}/sendMessage?chat_id=42&access_token={QUERY_TOKEN}",
        "headers": {"Authorization": f"Bearer {BEARER}", "X-Api-Key": HEADER_KEY},
    }, "webhook-1")
    changed = client.patch(f"/api/v1/webhooks/{webhook['id']}", headers=auth, json={
        "url": f"{receiver.url}/bot{BOT_TOKEN}/sendMessage?chat_id=42&access_token={QUERY_TOKEN_2}",
        "headers": {"Authorization": f"Bearer {BEARER}", "X-Api-Key": HEADER_KEY_2},
    })
    assert changed.status_code == 200, changed.get_json()
    rotated = twice(f"/webhooks/{webhook['id']}/rotate-secret", None, "rotate-1")
    twice(f"/webhooks/{webhook['id']}/test", None, "test-1")
    planted = {"API webhook secret": webhook["secret"], "rotated secret": rotated["secret"]}
    return form, planted


def _plant_a_dashboard_webhook(client, form_id, receiver):
    port = receiver.server.server_address[1]
    url = f"http://hook:{USERINFO_PASSWORD}@127.0.0.1:{port}/in?key={DASH_QUERY_TOKEN}&c={{{{ email }}}}"
    saved = client.post(f"/forms/{form_id}/webhooks/new", data={
        "url": url, "method": "POST", "format": "json", "match": "all", "enabled": "y",
        "header_name": ["X-Auth-Token"], "header_value": [DASH_HEADER_VALUE],
    })
    assert saved.status_code == 302, saved.get_data(as_text=True)
    webhook_path = saved.headers["Location"]
    edited = client.post(webhook_path, data={
        "url": url, "method": "POST", "format": "json", "match": "all", "enabled": "y",
        "header_name": ["X-Auth-Token"], "header_value": [DASH_HEADER_VALUE_2],
    })
    assert edited.status_code == 302, edited.get_data(as_text=True)
    revealed = client.post(f"{webhook_path}/secret")
    return {"dashboard webhook secret": revealed.get_json()["secret"]}


def test_no_table_or_column_holds_a_planted_secret(app, client, runner, receiver, mailbox):
    planted = _plant_through_the_dashboard(app, client, runner, receiver, mailbox)
    form, from_api = _plant_through_the_api(app.test_client(), planted["CLI API key"], receiver)
    planted.update(from_api)
    planted.update(_plant_a_dashboard_webhook(client, form["id"], receiver))
    planted.update({"bot token": BOT_TOKEN, "bearer token": BEARER, "URL token": QUERY_TOKEN,
                    "changed URL token": QUERY_TOKEN_2, "X-Api-Key value": HEADER_KEY,
                    "changed X-Api-Key value": HEADER_KEY_2, "userinfo password": USERINFO_PASSWORD,
                    "dashboard URL token": DASH_QUERY_TOKEN, "dashboard header value": DASH_HEADER_VALUE,
                    "changed dashboard header value": DASH_HEADER_VALUE_2})
    assert client.post(f"/f/{form['public_id']}", json={"email": CONTROL_ANSWER}).status_code == 201
    drain(app)
    received = receiver.wait_for(3)  # the test event (once: the replayed POST sent nothing), one per webhook
    assert any(request.headers.get("x-auth-token") == DASH_HEADER_VALUE_2 for request in received)
    assert any(request.headers.get("x-api-key") == HEADER_KEY_2 for request in received)

    stored = _every_stored_value(app)
    assert "submissions.answers" in _found(stored, {CONTROL_ANSWER}), "the scan must read what was stored"
    for table in ("idempotency_keys", "audit_events", "attempts", "api_keys", "invitations",
                  "password_reset_tokens", "webhooks"):
        assert any(stored[(table, "id")]), f"nothing was planted in {table}"
    assert all(body.startswith(crypto.TOKEN_PREFIX) for body in stored[("idempotency_keys", "response_body")]
               if body != "None")
    leaks = {name: where for name, secret in planted.items() if (where := _found(stored, _variants(secret)))}
    assert leaks == {}, f"stored readable: {leaks}"


@pytest.mark.parametrize(("name", "sensitive"), [
    ("Authorization", True), ("X-Api-Key", True), ("api_key", True), ("apikey", True), ("access_token", True),
    ("X-Auth", True), ("Set-Cookie", True), ("X-Session-Id", True), ("sig", True), ("client_secret", True),
    ("password", True), ("X-Amz-Signature", True), ("webhook-signature", False), ("webhook-id", False),
    ("author", False), ("monkey", False), ("X-Campaign", False), ("chat_id", False), ("Content-Type", False),
])
def test_one_rule_decides_which_names_are_credentials(name, sensitive):
    assert is_sensitive(name) is sensitive


def test_masking_keeps_the_text_as_typed_around_the_credentials():
    url = "https://api.example/v1/bot99:Tok-en_1/send?name=Zo%C3%AB+O%27Neil&api_key=k1&c={{ email }}&sig=abc"
    assert redact(url) == (
        "https://api.example/v1/bot••••••/send?name=Zo%C3%AB+O%27Neil&api_key=••••••&c={{ email }}&sig=••••••"
    )
    assert mask_headers({"Authorization": "Bearer abcdefgh", "X-Note": "token abcdefgh", "X-Campaign": "spring"}) == {
        "Authorization": MASK, "X-Note": "token " + MASK, "X-Campaign": "spring",
    }


def test_masking_lives_in_one_module_that_imports_nothing_above_it():
    app_dir = Path(__file__).resolve().parents[1] / "app"
    holders = sorted(str(path.relative_to(app_dir)) for path in app_dir.rglob("*.py") if MASK in path.read_text())
    assert holders == ["core/redaction.py"], "the mask and its rule live in app/core/redaction.py only"
    imported = {node.module for node in ast.walk(ast.parse((app_dir / "core" / "redaction.py").read_text()))
                if isinstance(node, ast.ImportFrom)}
    assert not {module for module in imported if module and module.startswith("app")}
    audit_imports = {node.module for node in ast.walk(ast.parse((app_dir / "services" / "audit.py").read_text()))
                     if isinstance(node, ast.ImportFrom)}
    assert not {module for module in audit_imports if module and module.startswith("app.delivery")}


def test_editor_masks_a_bearer_value_under_any_header_name_and_keeps_it_when_unchanged(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id, FIELDS)
    webhook_id = make_webhook(app, form_id, "https://crm.example/in", headers={"X-Forward": f"Bearer {BEARER}"})
    accounts.login(client)
    page = client.get(f"/forms/{form_id}/webhooks/{webhook_id}").get_data(as_text=True)
    assert BEARER not in page and f"Bearer {MASK}" in page
    posted = {"url": "https://crm.example/in", "method": "POST", "format": "json", "enabled": "y",
              "header_name": ["X-Forward"], "header_value": [f"Bearer {MASK}"]}
    assert client.post(f"/forms/{form_id}/webhooks/{webhook_id}", data=posted).status_code == 302
    with app.app_context():
        assert db.session.get(Webhook, webhook_id).headers == {"X-Forward": f"Bearer {BEARER}"}
