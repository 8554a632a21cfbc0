"""The webhook format table: each format is one entry, and an unknown format is an error at save and at send."""

import pytest

from app.core.extensions import db
from app.delivery import payloads, templating
from app.models import Webhook
from tests.api_support import assert_error
from tests.conftest import drain
from tests.delivery_support import form_with_webhook, only_delivery, submit

DATA = {"form": {"id": "frm_1", "name": "Leads"},
        "submission": {"id": "sub_1", "created_at": "2026-01-01T00:00:00+00:00", "answers": {"name": "Zoe"}}}


@pytest.mark.parametrize("entry", payloads.FORMATS.values(), ids=lambda entry: entry.name)
def test_every_format_entry_builds_its_body_and_renders_templates_in_a_known_context(entry):
    content_type, body = payloads.build_body(entry.name, "submission.created", "2026-01-01T00:00:00Z", DATA)
    assert content_type.split(";")[0] == entry.content_type.split(";")[0] or entry.name == "multipart"
    assert b"Zoe" in body
    assert entry.escaping in templating.CONTEXTS
    templated_type, templated = payloads.build_body(
        entry.name, "submission.created", "t", DATA, body_template="{{ name }}", context={"name": "a&b"},
    )
    assert templated_type == entry.content_type and templated


def test_an_unknown_format_is_a_clear_error_not_xml():
    with pytest.raises(payloads.UnknownFormat, match="unknown webhook format 'yaml'.*json, form, multipart, xml"):
        payloads.build_body("yaml", "submission.created", "t", DATA)


def test_saving_an_unknown_format_is_422_naming_the_setting(api):
    form = api.create_form()
    response = api.post(f"/forms/{form['id']}/webhooks", json={"url": "https://crm.example/", "format": "yaml"})
    assert "json, form, multipart, xml" in assert_error(response, 422, "format")["fields"]["format"]


def test_a_stored_unknown_format_fails_the_delivery_saying_so(app, client, accounts, receiver):
    _, public_id, webhook_id = form_with_webhook(app, accounts, f"{receiver.url}/hook")
    with app.app_context():  # a row written by an older or newer version, past the save-time check
        db.session.get(Webhook, webhook_id).format = "yaml"
        db.session.commit()
    submit(client, public_id)
    drain(app)
    delivery = only_delivery(app)
    assert delivery["status"] == "failed" and delivery["attempt_count"] == 1
    assert "unknown webhook format 'yaml'" in delivery["last_error"]
    assert receiver.requests == []
