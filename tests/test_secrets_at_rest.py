"""Secrets at rest: encrypted rows, masked attempt records, masked UI and clean logs."""

import logging

from cryptography.fernet import Fernet
from sqlalchemy import text

from app import crypto
from app.extensions import db
from app.models import Attempt, Webhook
from app.redaction import MASK, redact
from tests.conftest import drain, make_form, make_webhook

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


def test_rotate_command_reencrypts_with_the_new_key(app, runner, accounts, receiver):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["SECRETS_KEYS"] = [old_key]
    crypto.init_app(app)
    _, _, webhook_id, secrets = _webhook_with_credentials(app, accounts, receiver)

    app.config["SECRETS_KEYS"] = [new_key, old_key]
    crypto.init_app(app)
    result = runner.invoke(args=["secrets", "rotate"])
    assert result.exit_code == 0 and "re-encrypted 1 webhook" in result.output

    app.config["SECRETS_KEYS"] = [new_key]
    crypto.init_app(app)
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        assert (webhook.secret, webhook.previous_secret) == secrets
        assert webhook.headers["Authorization"] == f"Bearer {BEARER}"
        db.session.remove()
    raw = _raw_webhook_rows(app)
    assert BEARER not in raw and secrets[0] not in raw


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
