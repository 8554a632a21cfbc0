"""In a real Chromium: an Indonesian visitor mistypes a phone number, reads why in Indonesian, and the
corrected local number reaches the webhook in E.164."""

import json

import pytest

from tests.browser_support import screenshot
from tests.conftest import drain, make_form, make_webhook
from tests.test_browser_public_language import english_on, english_strings, visit

pytestmark = pytest.mark.browser

FIELDS = [
    {"key": "nama", "label": "Nama lengkap", "type": "text", "required": True},
    {"key": "phone", "label": "Nomor WhatsApp", "type": "phone", "required": True},
]


def test_an_indonesian_visitor_corrects_a_phone_number(app, browser, live_server, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, FIELDS, name="Pendaftaran")
    make_webhook(app, form_id, receiver.url + "/crm")
    context, page = visit(browser, f"{live_server}/f/{public_id}", "id-ID")
    try:
        page.get_by_label("Nama lengkap").fill("Sari")
        page.get_by_label("Nomor WhatsApp").fill("0812")
        page.locator("button.step-submit").click()
        error = page.locator("#phone-error")
        error.wait_for()
        assert error.inner_text() == (
            "masukkan nomor telepon yang valid, misalnya 0812-345-678, atau nomor yang diawali + dan kode negara")
        assert page.locator("html").get_attribute("lang") == "id"
        assert english_on(page, english_strings()) == []
        screenshot(page, "phone-error-id", full_page=True)
        page.get_by_label("Nomor WhatsApp").fill("0813-9999-8888")
        page.locator("button.step-submit").click()
        page.get_by_text("Terima kasih!").first.wait_for()
    finally:
        context.close()
    drain(app)
    (request,) = receiver.wait_for(1)
    assert json.loads(request.body)["data"]["submission"]["answers"]["phone"] == "+6281399998888"
