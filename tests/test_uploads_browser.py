"""File uploads in real Chromium on a phone-sized screen: attach, remove, send, fetch the links, stay safe."""

import json
import urllib.error
import urllib.request

import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from app.core.extensions import db
from app.models import Webhook
from tests.browser_support import screenshot
from tests.conftest import drain, make_form, make_webhook
from tests.test_uploads import _parsed, _verify_bytes
from tests.upload_support import HTML_PAYLOAD, SVG_PAYLOAD, as_rows, pdf_bytes, use_s3

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "accept_downloads": True}
FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "cv", "label": "CV", "type": "file", "required": True},
    {"key": "photo", "label": "Photo", "type": "file", "max_files": 2, "accept": ["image"]},
]


def _fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("store", ["local", "s3"])
def test_a_visitor_sends_a_pdf_and_a_photo_and_the_receivers_get_them(
    app, live_server, accounts, receiver, phone, store, request,
):
    if store == "s3":
        use_s3(app, request.getfixturevalue("s3_server"))
    app.config["BASE_URL"] = live_server
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, as_rows(FIELDS))
    json_hook = make_webhook(app, form_id, receiver.url + "/json")
    files_hook = make_webhook(app, form_id, receiver.url + "/files", format="multipart", attach_files=True)
    pdf = pdf_bytes()
    phone.set_content("<body style=\"background:linear-gradient(#f80,#08f)\"></body>")
    photo = phone.screenshot(type="jpeg", quality=70)

    phone.goto(f"{live_server}/f/{public_id}")
    phone.get_by_label("Name").fill("Ana")
    assert phone.get_by_label("CV").get_attribute("accept").startswith("image/*,.pdf")
    phone.get_by_label("CV").set_input_files([{"name": "wrong.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    listed = phone.locator('.file-list[data-for="cv"] li')
    assert "wrong.pdf" in listed.inner_text()
    phone.get_by_role("button", name="Remove wrong.pdf").click()
    assert listed.count() == 0
    phone.get_by_label("CV").set_input_files([{"name": "CV Ana.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    phone.get_by_label("Photo").set_input_files([{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    assert f"CV Ana.pdf {len(pdf)} bytes" in listed.inner_text().replace("\n", " ")
    assert "me.jpg" in phone.locator('.file-list[data-for="photo"]').inner_text()
    screenshot(phone, f"uploads-phone-{store}")
    phone.get_by_role("button", name="Submit").click()
    phone.get_by_text("Thank you").wait_for()

    drain(app)
    by_path = {received.path: received for received in receiver.wait_for(2)}
    with app.app_context():
        secrets = {hook: db.session.get(Webhook, hook).secret for hook in (json_hook, files_hook)}
    answers = Verifier(secrets[json_hook]).verify(by_path["/json"].text, by_path["/json"].headers)
    answers = answers["data"]["submission"]["answers"]
    for key, content in (("cv", pdf), ("photo", photo)):
        (item,) = answers[key]
        status, body, headers = _fetch(item["url"])
        assert (status, body) == (200, content)
        assert headers["Content-Disposition"].startswith("attachment")
    _verify_bytes(secrets[files_hook], by_path["/files"])
    attached = _parsed(by_path["/files"])
    assert attached.files["cv"].read() == pdf and attached.files["photo"].read() == photo

    url = answers["cv"][0]["url"]
    token = url.split("/")[4]
    assert _fetch(url.replace(token, token[:-3] + "abc"))[0] == 403
    app.config["FILE_URL_TTL"] = -1
    assert _fetch(url)[0] == 410


@pytest.mark.app_config(UPLOAD_MAX_BYTES=4096)
def test_oversize_and_wrong_kind_are_named_on_the_page(app, live_server, accounts, phone):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, as_rows(FIELDS))
    phone.goto(f"{live_server}/f/{public_id}")
    phone.get_by_label("Name").fill("Ana")
    big = b"%PDF-1.4\n" + b"x" * 8000
    phone.get_by_label("CV").set_input_files([{"name": "big.pdf", "mimeType": "application/pdf", "buffer": big}])
    assert "too large" in phone.locator('.file-list[data-for="cv"]').inner_text()
    with phone.expect_response(lambda r: r.request.method == "POST") as posted:
        phone.get_by_role("button", name="Submit").click()
    assert posted.value.status == 413
    assert "big.pdf is larger than 4.0 KB" in phone.locator(".field-file.has-error").inner_text()
    phone.get_by_label("Name").fill("Ana")
    disguised = {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": HTML_PAYLOAD}
    phone.get_by_label("CV").set_input_files([disguised])
    with phone.expect_response(lambda r: r.request.method == "POST") as posted:
        phone.get_by_role("button", name="Submit").click()
    assert posted.value.status == 422
    assert "the content of cv.pdf is not a .pdf file" in phone.locator(".field-file.has-error").inner_text()
    screenshot(phone, "uploads-phone-errors")


@pytest.mark.parametrize(("name", "content"), [("page.html", HTML_PAYLOAD), ("image.svg", SVG_PAYLOAD)])
def test_an_html_or_svg_upload_downloads_and_never_runs(app, live_server, accounts, phone, name, content):
    app.config["BASE_URL"] = live_server
    _, workspace_id = accounts.user()
    fields = [{"key": "name", "label": "Name", "type": "text"},
              {"key": "doc", "label": "Document", "type": "file", "accept": ["any"]}]
    _, public_id = make_form(app, workspace_id, as_rows(fields))
    phone.goto(f"{live_server}/f/{public_id}")
    phone.get_by_label("Document").set_input_files([{"name": name, "mimeType": "text/html", "buffer": content}])
    phone.get_by_role("button", name="Submit").click()
    phone.get_by_text("Thank you").wait_for()
    with app.app_context():
        from sqlalchemy import select

        from app.files.links import signed_url
        from app.models import StoredFile

        url = signed_url(db.session.scalars(select(StoredFile)).one().to_dict())

    # opened directly: the browser downloads it, the page stays ours and no script ran
    with phone.expect_download() as download:
        phone.evaluate("url => { window.location.href = url }", url)
    assert download.value.suggested_filename == name
    assert open(download.value.path(), "rb").read() == content
    # framed or embedded by a page: still no script (sandboxed, typed as an opaque download)
    phone.set_content(f'<iframe src="{url}"></iframe><object data="{url}"></object><img src="{url}">')
    phone.wait_for_timeout(500)
    assert phone.evaluate("window.pwned") is None
    assert phone.title() != "pwned"
    status, _, headers = _fetch(url)
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert json.dumps(dict(headers)).count("nosniff") == 1
