"""In a real Chromium: an Indonesian visitor reads the hosted form, its errors and the thank-you in Indonesian."""

import re

import pytest
from babel.messages.pofile import read_po

from app.core.i18n import TRANSLATIONS_DIR
from tests.browser_support import screenshot
from tests.conftest import make_form

pytestmark = pytest.mark.browser

FIELDS = [
    {"key": "nama", "label": "Nama lengkap", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "umur", "label": "Umur", "type": "number"},
]


def english_strings():
    """Our English texts that Indonesian says differently (those that are the same prove nothing)."""
    with open(TRANSLATIONS_DIR / "id" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    texts = []
    for message in catalog:
        singular = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else message.string[0]
        if singular and string and string != singular:
            # the fixed part before any placeholder is what a page would show
            texts.extend(part.strip() for part in re.split(r"%\(\w+\)[sdf]|\{\w*\}", singular))
    return {text for text in texts if len(text) >= 4}


def english_on(page, english):
    visible = page.locator("body").inner_text()
    return sorted(text for text in english if re.search(rf"(?<!\w){re.escape(text)}(?!\w)", visible))


def visit(browser, url, locale):
    context = browser.new_context(locale=locale, extra_http_headers={"Accept-Language": locale},
                                  viewport={"width": 900, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(url)
    return context, page


def fill_wrong_then_right(page):
    page.get_by_label("Email").fill("bukan-email")
    page.locator("button.step-submit").click()
    page.locator(".error-summary").wait_for()
    errors = page.locator("body").inner_text()
    page.get_by_label("Nama lengkap").fill("Ani")
    page.get_by_label("Email").fill("ani@example.com")
    return errors


def test_an_indonesian_visitor_sees_only_indonesian(app, browser, live_server, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS, name="Pendaftaran webinar")
    english = english_strings()
    assert len(english) > 100 and "Please check the highlighted answers." in english
    context, page = visit(browser, f"{live_server}/f/{public_id}", "id-ID")
    try:
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.locator("button.step-submit").inner_text() == "Kirim"
        assert english_on(page, english) == []
        # the browser's own checks are off (novalidate): the server's messages are shown
        page.evaluate("document.querySelector('form.hosted-form').noValidate = true")
        errors = fill_wrong_then_right(page)
        assert "Periksa kembali jawaban yang ditandai." in errors and "wajib diisi" in errors
        assert page.locator("html").get_attribute("lang") == "id"
        assert english_on(page, english) == []
        screenshot(page, "public-language-id-errors", full_page=True)
        page.locator("button.step-submit").click()
        page.get_by_text("Terima kasih! Jawaban Anda sudah kami terima.").wait_for()
        assert english_on(page, english) == []
        screenshot(page, "public-language-id-thanks", full_page=True)
    finally:
        context.close()


def test_the_same_form_fixed_to_english_is_english(app, browser, live_server, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, FIELDS, name="Pendaftaran webinar", language="en")
    context, page = visit(browser, f"{live_server}/f/{public_id}", "id-ID")
    try:
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("button.step-submit").inner_text() == "Submit"
        page.evaluate("document.querySelector('form.hosted-form').noValidate = true")
        errors = fill_wrong_then_right(page)
        assert "Please check the highlighted answers." in errors and "this field is required" in errors
        assert "wajib diisi" not in errors and "Periksa" not in errors
        screenshot(page, "public-language-en-errors", full_page=True)
        page.locator("button.step-submit").click()
        page.get_by_text("Thank you! Your answers were received.").wait_for()
        screenshot(page, "public-language-en-thanks", full_page=True)
    finally:
        context.close()
