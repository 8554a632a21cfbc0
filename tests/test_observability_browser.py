"""In a real Chromium: read why a delivery failed, replay it, copy it as cURL, watch the inspector, see health."""

import re
import subprocess

import httpx
import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook as Verifier

from app.core.extensions import db
from app.models import Delivery, Webhook
from tests.conftest import drain, make_form, make_webhook
from tests.observability_browser import live_server, log_in, page  # noqa: F401
from tests.receiver import Reply

pytestmark = pytest.mark.browser


def _submit(base_url, public_id, name="Ana"):
    response = httpx.post(f"{base_url}/f/{public_id}", json={"name": name, "email": "ana@example.com"}, timeout=30)
    assert response.status_code == 201


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_read_why_it_failed_then_replay_it(app, accounts, receiver, live_server, page):  # noqa: F811
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url + "/crm")
    receiver.reply(Reply(status=500, body=b"CRM says: database is down"))
    _submit(live_server, public_id)
    drain(app)

    log_in(page)
    page.goto(f"/forms/{form_id}/settings/webhook")
    page.get_by_role("link", name="Deliveries").click()
    row = page.locator("table.deliveries tbody tr").first
    expect(row.locator(".badge")).to_have_text("failed")
    expect(row.locator(".answer")).to_have_text(
        "Your server answered 500: it had an error handling the request. Check its logs. "
        "We have stopped retrying; use Resend once it is fixed."
    )
    row.get_by_role("link").click()
    expect(page.locator(".attempt .outcome")).to_contain_text("Your server answered 500")
    expect(page.locator(".attempt pre.body").last).to_have_text("CRM says: database is down")

    page.get_by_role("button", name="Resend now").click()
    expect(page.locator(".flash-success")).to_contain_text("same webhook-id")
    drain(app)
    page.reload()
    expect(page.locator("#delivery-status")).to_have_text("succeeded")
    expect(page.locator(".attempt")).to_have_count(2)
    expect(page.locator(".attempt .outcome").first).to_have_text("Your server answered 200: delivered.")
    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    with app.app_context():
        assert db.session.scalars(db.select(Delivery)).one().webhook_id == webhook_id


def test_copy_as_curl_sends_the_identical_signed_request(app, accounts, receiver, live_server, page):  # noqa: F811
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url + "/crm?c={{ campaign_name }}",
                              headers={"X-Api-Key": "key-{{ campaign_name }}"})
    _submit(live_server, public_id, "Zoë 'quoted' $HOME `x`")
    drain(app)
    with app.app_context():
        delivery_id = db.session.scalars(db.select(Delivery.id)).one()
        secret = db.session.get(Webhook, webhook_id).secret

    log_in(page)
    page.goto(f"/deliveries/{delivery_id}")
    expect(page.locator(".attempt table.headers").first).to_contain_text("••••••")
    expect(page.locator(".curl-note")).to_contain_text("sends the mask ••••••, not the real value")
    page.get_by_role("button", name="Copy as cURL (exact request)").click()
    expect(page.locator(".copy-status")).to_contain_text("Copied the exact request as cURL")
    assert "X-Api-Key: ••••••" in page.evaluate("navigator.clipboard.readText()")
    page.get_by_role("button", name="Copy with real values").click()  # a POST with the page's CSRF token
    expect(page.locator(".copy-status")).to_have_text("Copied the exact request as cURL, with real values.")
    command = page.evaluate("navigator.clipboard.readText()")
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, timeout=30)
    original, replayed = receiver.wait_for(2)
    assert replayed.body == original.body
    assert replayed.headers["x-api-key"] == "key-spring"
    assert Verifier(secret).verify(replayed.text, replayed.headers)["data"]["submission"]["answers"]["name"] == (
        "Zoë 'quoted' $HOME `x`"
    )

    page.get_by_role("button", name="Copy body").click()
    expect(page.locator(".copy-status")).to_have_text("Copied the body.")
    assert page.evaluate("navigator.clipboard.readText()").encode() == original.body


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_inspector_shows_requests_as_they_arrive(app, accounts, live_server, page):  # noqa: F811
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, name="Newsletter")
    make_webhook(app, form_id, "https://crm.example/hook")

    log_in(page)
    page.goto("/inspector")
    page.get_by_label("Name").fill("Try my webhook")
    page.get_by_role("button", name="Create capture URL").click()
    expect(page.locator("h1")).to_have_text("Try my webhook")
    page.get_by_role("button", name="Send a copy here").click()
    expect(page.locator(".flash-success")).to_contain_text("now also appears here, as a copy")
    expect(page.locator("[data-request-id]")).to_have_count(0)

    _submit(live_server, public_id, "Live Lead")
    drain(app)
    arrived = page.locator("[data-request-id]")
    expect(arrived).to_have_count(1)  # no reload: static/inspector.js polled it in
    expect(arrived.first).to_contain_text(re.compile("webhook-signature", re.IGNORECASE))
    expect(arrived.first.locator("pre.body")).to_contain_text("Live Lead")
    expect(page.locator("#live-status")).to_contain_text("1 new request")


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_health_page_charts_deliveries_per_hour(app, accounts, receiver, live_server, page):  # noqa: F811
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url)
    receiver.reply(Reply(status=500))
    for name in ("A", "B", "C", "D"):
        _submit(live_server, public_id, name)
    drain(app)

    log_in(page)
    page.goto(f"/webhooks/{webhook_id}/health")
    bars = page.locator("svg.chart g.bar")
    expect(bars).to_have_count(24)
    current_hour = bars.last
    expect(current_hour).to_have_attribute("data-total", "4")
    expect(current_hour).to_have_attribute("data-succeeded", "3")
    assert current_hour.locator("rect.failed").bounding_box()["height"] > 0
    assert current_hour.locator("rect.ok").bounding_box()["height"] > current_hour.locator(
        "rect.failed").bounding_box()["height"]
    day = page.locator('[data-window="24 h"]')
    expect(day.locator('[data-metric="success-rate"]')).to_have_text("75.0 %")
    expect(page.locator('[data-metric="consecutive-failures"]')).to_have_text("0")
