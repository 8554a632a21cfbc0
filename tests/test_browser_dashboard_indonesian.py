"""In a real Chromium: a marketer picks Bahasa Indonesia and walks build → webhook → delivery log in it.

On every dashboard page the visible text is compared with the English of every message of ours
whose Indonesian differs (the catalogue). The rule for what counts as "English of ours":

- a message is cut at its placeholders (`%(name)s`) into literal pieces; each piece is matched as
  whole words, case-sensitively, against the visible text (text nodes, placeholders, option texts;
  not <pre>/<code> or `translate="no"` tables, which show requests, headers, bodies and keys as sent);
- text marked as another language (`lang="en"` on the switcher's "English") is not the page's;
- a piece counts when it has two or more words, or is one capitalised word of four letters or more
  ("Delete", "Cancel"). Single lowercase words ("failed", "value", "submission") are left out: they
  are also the stored codes and JSON keys a delivery page shows as data;
- a piece that an Indonesian text itself contains does not count: Indonesian uses it too (the
  name "Standard Webhooks", the English button “Submit” named beside “Kirim”).
"""

import re

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from app.runtime import catalogues
from tests.browser_support import screenshot
from tests.conftest import drain
from tests.mailbox import signup_link

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
VISIBLE_TEXT = """() => {
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "TEMPLATE", "TEXTAREA", "NOSCRIPT"]);
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let element = node.parentElement, hidden = false;
    for (let up = element; up; up = up.parentElement) {
      if (skip.has(up.tagName) || up.getAttribute("translate") === "no") { hidden = true; break; }
    }
    if (hidden) { continue; }
    if (element.tagName !== "OPTION" && !element.checkVisibility()) { continue; }
    const marked = element.closest("[lang]");
    if (marked && marked.lang !== document.documentElement.lang) { continue; }
    parts.push(node.textContent);
  }
  document.querySelectorAll("input[placeholder], textarea[placeholder]").forEach((field) => {
    if (field.checkVisibility()) { parts.push(field.placeholder); }
  });
  return parts.join("\\n").replace(/[ \\t]+/g, " ");
}"""


def _counts(piece):
    words = piece.split()
    if len(words) >= 2:
        return True
    return len(words) == 1 and re.fullmatch(r"[A-Z][a-z]{3,}", words[0].strip(".,:;!?…→←↗()“”")) is not None


def _indonesian_catalogue():
    with open(catalogues.catalogue_path("id"), "rb") as handle:
        return read_po(handle)


def _whole_words_in(piece, text):
    return re.search(r"(?<!\w)" + re.escape(piece) + r"(?!\w)", text) is not None


def english_pieces():
    """Every literal piece of our English that Indonesian says differently, by the rule above."""
    catalog = _indonesian_catalogue()
    indonesian_texts = "\n".join(text for message in catalog if message.id for text in
                                 (message.string if isinstance(message.string, tuple) else (message.string,)))
    pieces = set()
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        indonesian = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in english:
            if text in indonesian:
                continue
            for piece in PLACEHOLDER.split(text):
                piece = " ".join(piece.split()).strip(" .,:;·—-")
                if _counts(piece) and not _whole_words_in(piece, indonesian_texts):
                    pieces.add(piece)
    return sorted(pieces)


PIECES = english_pieces()


def english_on(page):
    text = page.evaluate(VISIBLE_TEXT)
    return [piece for piece in PIECES if _whole_words_in(piece, text)]


def assert_indonesian(page, name):
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    screenshot(page, f"dashboard-id-{name}", full_page=True)
    assert english_on(page) == [], f"{name}: English of ours on {page.url}"


def _add_field(page, label, kind="text", key="", default="", required=False):
    form = page.locator("#add-field")
    form.get_by_label("Label", exact=True).fill(label)
    form.get_by_label("Kunci (dipakai di webhook)").fill(key)
    form.get_by_label("Jenis", exact=True).select_option(kind)
    if required:
        form.get_by_label("Wajib diisi").check()
    if default:
        form.get_by_label("Nilai bawaan").fill(default)
    form.get_by_role("button", name="Tambah kolom").click()
    # the builder adds it without a reload: wait until the list shows it
    expect(page.locator("#field-list .field-label").get_by_text(label, exact=True)).to_be_visible()


def test_the_rule_finds_english_and_spares_data():
    assert {"Delete", "Cancel", "Save webhook", "Live preview", "New form"} <= set(PIECES)
    assert "failed" not in PIECES and "submission" not in PIECES and "Status" not in PIECES


@pytest.mark.browser
@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_marketer_works_in_bahasa_indonesia_from_build_to_delivery_log(app, live_server, browser, receiver,
                                                                        mailbox):
    # an English browser in Jakarta: the dashboard speaks Indonesian because the marketer picked it,
    # and shows times on the workspace's clock (WIB, from the browser's zone at sign-up)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                  timezone_id="Asia/Jakarta", extra_http_headers={"Accept-Language": "en-US,en;q=0.9"})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server}/signup")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    assert_indonesian(page, "signup")
    page.get_by_label("Email").fill("sari@example.com")
    page.get_by_label("Kata sandi").fill("kata sandi yang panjang")
    page.get_by_label("Nama ruang kerja").fill("Toko Sari")
    page.get_by_role("button", name="Daftar").click()
    assert_indonesian(page, "signup-sent")
    page.goto(live_server + signup_link(mailbox.wait_for(1)[0]))
    assert_indonesian(page, "signup-confirm")
    page.get_by_role("button", name="Buat akun saya").click()
    assert_indonesian(page, "forms-empty")

    page.get_by_role("link", name="Formulir baru").first.click()
    assert_indonesian(page, "form-new")
    page.get_by_label("Nama formulir").fill("Prospek Ramadan")
    page.get_by_role("button", name="Buat formulir").click()
    assert_indonesian(page, "builder-empty")
    _add_field(page, "Nama", required=True)
    _add_field(page, "Email kantor", kind="email", key="email", required=True)
    _add_field(page, "Kampanye", kind="hidden", key="kampanye", default="ramadan")
    expect(page.locator("#field-list li")).to_have_count(3)
    assert_indonesian(page, "builder")
    hosted_url = page.locator("#hosted-link").get_attribute("href")

    page.get_by_role("link", name="Pengaturan → URL webhook").click()
    assert_indonesian(page, "webhooks-empty")
    page.get_by_label("URL webhook baru").fill(f"{receiver.url}/prospek?kampanye={{{{ kampanye }}}}")
    page.get_by_role("button", name="Tambah webhook", exact=True).click()
    expect(page.locator("#preview-source")).to_contain_text("Diproses dengan")
    assert_indonesian(page, "webhook-editor")
    page.get_by_role("link", name="← Semua webhook").click()
    assert_indonesian(page, "webhooks")

    visitor = browser.new_page(extra_http_headers={"Accept-Language": "id"})
    visitor.goto(hosted_url)
    visitor.get_by_label("Nama").fill("Budi")
    visitor.get_by_label("Email kantor").fill("budi@example.com")
    visitor.get_by_role("button", name="Kirim").click()
    expect(visitor.locator("body")).to_contain_text("Terima kasih")
    visitor.close()
    drain(app)
    (request,) = receiver.wait_for(1)
    assert request.query == {"kampanye": ["ramadan"]}

    page.get_by_role("link", name="Pengiriman", exact=True).click()
    expect(page.locator("table.deliveries tbody tr.linked")).to_have_count(1)
    expect(page.locator("table.deliveries .badge").first).to_have_text("berhasil")
    created = page.locator("table.deliveries tbody tr.linked td").last
    expect(created).to_have_text(re.compile(r"^\d+ \w+ \d{4} \d\d\.\d\d\.\d\d WIB$"))  # Babel's id, Jakarta
    assert_indonesian(page, "deliveries")
    page.locator("table.deliveries a.row-link").first.click()
    expect(page.locator("#delivery-status")).to_have_text("berhasil")
    expect(page.locator("#delivery-why")).to_contain_text("Server Anda menjawab 200: terkirim.")
    assert_indonesian(page, "delivery")

    # and back to English: the same page, every word ours in English again
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#delivery-status")).to_have_text("succeeded")
    expect(page.get_by_role("button", name="Resend now")).to_be_visible()
    screenshot(page, "dashboard-en-delivery", full_page=True)
    page.get_by_role("link", name="Forms", exact=True).click()
    expect(page.get_by_role("heading", name="Forms")).to_be_visible()
    context.close()
