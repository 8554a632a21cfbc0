"""In a real Chromium: every webhook's deliveries reachable, test events that say how they went,
Resend while an attempt is in flight, failures in plain words, and a re-signed cURL a strict receiver accepts.

Issue 14, problems 1, 5, 6, 7 and 8, walked as a user would.
"""

import json
import re
import shlex
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook as Verifier
from standardwebhooks.webhooks import WebhookVerificationError

from app.core import queue
from app.core.extensions import db
from app.core.queue import JobQueue
from app.delivery import signing
from app.delivery.endpoint_slots import EndpointSlots
from app.delivery.runner import Batches
from app.models import Attempt, Delivery
from app.models.webhooks import new_secret
from tests.browser_support import screenshot
from tests.conftest import drain, make_form, make_webhook
from tests.delivery_support import send_once, work_once
from tests.observability_browser import live_server, log_in, page  # noqa: F401
from tests.receiver import Receiver, Reply

pytestmark = pytest.mark.browser
RED, GREEN = "rgb(180, 51, 42)", "rgb(27, 127, 70)"  # --danger, --ok


def _submit(base_url, public_id, name="Ana"):
    response = httpx.post(f"{base_url}/f/{public_id}", json={"name": name, "email": "ana@example.com"}, timeout=30)
    assert response.status_code == 201
    return response.json()["submission_id"]


def _deliveries_of(app, webhook_id):
    with app.app_context():
        return db.session.scalars(
            db.select(Delivery.id).where(Delivery.webhook_id == webhook_id).order_by(Delivery.id)
        ).all()


def _color(locator):
    return locator.evaluate("element => getComputedStyle(element).color")


def _click_middle(cell):
    """Click a cell where a user would, in its middle: the row's link lies over it and takes the click."""
    cell.click(force=True)  # force: the cell itself is covered (by the link), which is the point


def _body_of(command):
    words = shlex.split(command)
    return json.loads(words[words.index("--data-raw") + 1])


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_deliveries_tab_lists_every_webhook_and_every_row_opens_its_delivery(
        app, accounts, receiver, live_server, page):  # noqa: F811
    """Problem 1: the second webhook's failure is found from the Deliveries tab, the submission and the editor."""
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    crm_id = make_webhook(app, form_id, receiver.url + "/crm")
    slack = Receiver().start()
    slack.default = Reply(status=500, body=b"slack is down")
    slack_id = make_webhook(app, form_id, slack.url + "/slack")
    submission_id = _submit(live_server, public_id)
    drain(app)
    slack.stop()
    (slack_delivery,) = _deliveries_of(app, slack_id)

    log_in(page)
    page.goto(f"/forms/{form_id}/webhooks/{slack_id}")
    page.get_by_label("Name", exact=True).fill("Slack alerts")
    page.get_by_role("button", name="Save webhook").click()
    expect(page.locator(".flash-success")).to_contain_text("Webhook saved")
    page.get_by_role("link", name="Settings → Webhook URL").click()
    expect(page.locator(".webhook-table .name-cell")).to_have_text(["127.0.0.1", "Slack alerts"])

    page.get_by_role("link", name="Deliveries", exact=True).click()
    rows = page.locator("table.deliveries tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#webhook-picker option")).to_have_text(["All webhooks (2)", "127.0.0.1", "Slack alerts"])
    expect(rows.filter(has_text="Slack alerts")).to_have_count(1)
    expect(rows.filter(has_text="127.0.0.1")).to_have_count(1)
    screenshot(page, "deliveries-tab", full_page=True)

    page.locator("#webhook-picker").select_option(label="Slack alerts")  # applies at once (no Filter click)
    expect(page).to_have_url(re.compile(f"webhook={slack_id}"))
    expect(rows).to_have_count(1)
    page.locator("#status-filter").select_option("succeeded")
    expect(rows).to_have_text(["No deliveries match."])
    page.locator("#status-filter").select_option("failed")
    expect(rows).to_have_count(1)
    _click_middle(rows.first.locator("td").nth(2))  # anywhere on the row, not only on the id
    expect(page).to_have_url(re.compile(f"/deliveries/{slack_delivery}$"))
    expect(page.get_by_role("button", name="Resend now")).to_be_visible()
    expect(page.get_by_role("button", name="Copy as cURL (exact request)")).to_be_visible()

    page.goto(f"/forms/{form_id}/submissions/{submission_id}")
    _click_middle(page.locator("#deliveries tbody tr", has_text="Slack alerts").locator("td").nth(2))
    expect(page).to_have_url(re.compile(f"/deliveries/{slack_delivery}$"))

    page.goto(f"/forms/{form_id}/webhooks/{slack_id}")
    _click_middle(page.locator("#recent-deliveries tbody tr").first.locator("td").nth(1))
    expect(page).to_have_url(re.compile(f"/deliveries/{slack_delivery}$"))
    assert crm_id != slack_id


def test_test_event_button_shows_its_state_and_a_failing_test_is_tried_once(
        app, accounts, receiver, live_server, page):  # noqa: F811
    """Problem 5: sending… then "Failed: <why>", a usable button, and no retry schedule for a test event."""
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url + "/hook")
    receiver.reply(Reply(status=500, body=b"broken"))

    log_in(page)
    page.goto(f"/forms/{form_id}/webhooks/{webhook_id}")
    button = page.locator("#send-test")
    with page.expect_response(re.compile("/test$")):  # queued (committed) before the worker runs
        button.click()
    expect(page.locator("#test-result")).to_have_text("Sending a test event…")
    expect(button).to_have_text("Sending…")
    expect(button).to_be_disabled()
    assert _color(button) != button.evaluate("element => getComputedStyle(element).backgroundColor")

    drain(app)  # the worker sends it while the page polls
    result = page.locator("#test-result")
    expect(result).to_contain_text(
        "Failed: Your server answered 500: it had an error handling the request. Check its logs. "
        "We have stopped retrying; use Resend once it is fixed."
    )
    expect(button).to_have_text("Send test event")
    expect(button).to_be_enabled()
    expect(page.locator("#recent-deliveries tbody tr")).to_have_count(1)
    (delivery_id,) = _deliveries_of(app, webhook_id)
    with app.app_context():
        delivery = db.session.get(Delivery, delivery_id)
        assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == ("failed", 1, None)
    with app.app_context():
        assert queue.scheduled_jobs() == {}  # nothing waits on the retry schedule
    assert len(receiver.requests) == 1

    result.get_by_role("link", name="See the delivery →").click()
    expect(page).to_have_url(re.compile(f"/deliveries/{delivery_id}$"))

    receiver.reply(Reply(status=202))  # and a passing one says so
    page.goto(f"/forms/{form_id}/webhooks/{webhook_id}")
    with page.expect_response(re.compile("/test$")):
        page.locator("#send-test").click()
    drain(app)
    expect(page.locator("#test-result")).to_contain_text("Sent: Your server answered 202: delivered.")


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[])
def test_resend_right_after_the_receiver_answered_is_accepted_and_sent_after_the_attempt(
        app, accounts, api, receiver, live_server, page):  # noqa: F811
    """Problem 6: Resend (and the API's retry) while the attempt is not yet recorded → accepted, sent once more."""
    workspace_id = api.workspace_id
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url + "/crm")
    _submit(live_server, public_id)
    (delivery_id,) = _deliveries_of(app, webhook_id)
    log_in(page)
    page.goto(f"/deliveries/{delivery_id}")

    # the worker's own steps, one by one: take the job, claim and sign, send; the receiver answers …
    jobqueue = JobQueue(app, "browser-test-worker")
    batches = Batches(app, jobqueue, EndpointSlots.of_app(app))
    with app.app_context():
        (item,), _, _ = batches.start(10)
        item.outcome = send_once(item.prepared.method, item.prepared.url, item.prepared.headers,
                                 item.prepared.body, allowed_networks=app.config["WEBHOOK_ALLOWED_NETWORKS"])
    assert item.outcome.status == 200 and len(receiver.requests) == 1

    # … and before the worker records it, the user clicks Resend and a script calls the API
    page.get_by_role("button", name="Resend now").click()
    expect(page.locator(".flash-success")).to_contain_text("An attempt is being sent right now")
    retried = api.post(f"/deliveries/{delivery_id}/retry")
    assert retried.status_code == 202, retried.get_json()

    with app.app_context():
        batches.finish([item])  # recorded: the asked-for retry is queued at once
    work_once(app)
    first, second = receiver.wait_for(2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery_id
    page.reload()
    expect(page.locator(".attempt")).to_have_count(2)
    expect(page.locator("#delivery-status")).to_have_text("succeeded")
    work_once(app)  # nothing else is queued: a third request would be a doubled retry
    assert len(receiver.requests) == 2


@pytest.mark.app_config(WEBHOOK_RETRY_SCHEDULE=[600])
def test_failures_are_explained_in_plain_words_and_successes_are_green(
        app, accounts, receiver, live_server, page):  # noqa: F811
    """Problem 7: a sentence per failure with when we retry, green 200s, no doubled texts, audit values as typed."""
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    webhook_id = make_webhook(app, form_id, receiver.url + "/crm")
    receiver.reply(Reply(status=500, body=b"database is down"), Reply(status=200))
    _submit(live_server, public_id, "Ana")
    work_once(app)
    _submit(live_server, public_id, "Bo")
    work_once(app)
    failed_id, delivered_id = _deliveries_of(app, webhook_id)
    with app.app_context():
        retry_at = db.session.get(Delivery, failed_id).next_attempt_at.strftime("%H:%M")

    log_in(page)
    page.goto(f"/forms/{form_id}/deliveries")
    failed_row = page.locator(f'tr[data-delivery-id="{failed_id}"] .answer')
    expect(failed_row).to_have_text(
        f"Your server answered 500: it had an error handling the request. Check its logs. "
        f"We will retry at {retry_at} UTC."
    )
    delivered_row = page.locator(f'tr[data-delivery-id="{delivered_id}"] .answer')
    expect(delivered_row).to_have_text("Your server answered 200: delivered.")
    assert (_color(delivered_row.locator(".outcome")), _color(failed_row.locator(".outcome"))) == (GREEN, RED)
    assert "HTTP 500 HTTP 500" not in page.content()

    page.goto(f"/deliveries/{failed_id}")
    expect(page.locator("#delivery-why")).to_contain_text("Your server answered 500")
    expect(page.locator(".attempt-outcome")).to_contain_text(f"We will retry at {retry_at} UTC.")
    screenshot(page, "delivery-page", full_page=True)
    page.get_by_role("button", name="Copy body").click()
    expect(page.locator(".copy-status")).to_have_text("Copied the body.")

    # a URL with & and a header added in the editor, then the audit trail
    page.goto(f"/forms/{form_id}/webhooks/{webhook_id}")
    page.get_by_label("Webhook URL").fill(receiver.url + "/crm?a=1&b={{ campaign_name }}")
    page.get_by_label("Header name").fill("X-Team")
    page.get_by_label("Header value (template)").fill("Sales & Marketing")
    page.get_by_role("button", name="Save webhook").click()
    page.goto(f"/webhooks/{webhook_id}/audit")
    change = page.locator(".audit tbody tr").first
    expect(change.locator(".audit-change", has_text="url")).to_have_text(
        f"url: {receiver.url}/crm → {receiver.url}/crm?a=1&b={{{{ campaign_name }}}}"
    )
    expect(change.locator(".audit-change", has_text="headers")).to_have_text(
        "headers: (empty) → X-Team: Sales & Marketing"
    )
    assert "\\u0026" not in page.content() and "null" not in change.inner_text()


class VerifyingReceiver:
    """A receiver that checks every request as the README tells receivers to (standardwebhooks, 5-minute window)."""

    def __init__(self, secret):
        self.verdicts = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    Verifier(secret).verify(body, headers)
                    receiver.verdicts.append(("accepted", headers["webhook-id"]))
                    self.send_response(204)
                except WebhookVerificationError as exc:
                    receiver.verdicts.append((f"rejected: {exc}", headers.get("webhook-id")))
                    self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _age_attempt(app, delivery_id, seconds):
    """Make the recorded attempt one made `seconds` ago: its timestamp and signature as sent then."""
    with app.app_context():
        attempt = db.session.scalars(db.select(Attempt).where(Attempt.delivery_id == delivery_id)).one()
        webhook = db.session.get(Delivery, delivery_id).webhook
        then = time.time() - seconds
        headers = dict(attempt.request["headers"])
        headers.update(signing.signed_headers(webhook.signing_secrets(), delivery_id, then,
                                              attempt.request["body"].encode()))
        attempt.request = {**attempt.request, "headers": headers}
        db.session.commit()


def test_copy_as_curl_re_signed_now_is_accepted_by_a_receiver_that_checks_the_window(
        app, accounts, live_server, page):  # noqa: F811
    """Problem 8: the exact request of an attempt made ten minutes ago is refused; the re-signed one is accepted."""
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    secret = new_secret()
    with VerifyingReceiver(secret) as strict:
        webhook_id = make_webhook(app, form_id, strict.url + "/hook", secret=secret)
        _submit(live_server, public_id)
        drain(app)
        (delivery_id,) = _deliveries_of(app, webhook_id)
        assert strict.verdicts == [("accepted", delivery_id)]
        _age_attempt(app, delivery_id, 600)

        log_in(page)
        page.goto(f"/deliveries/{delivery_id}")
        page.get_by_role("button", name="Copy as cURL (exact request)").click()
        expect(page.locator(".copy-status")).to_contain_text("Copied the exact request as cURL")
        exact = page.evaluate("navigator.clipboard.readText()")
        subprocess.run(["bash", "-c", exact], check=True, capture_output=True, timeout=30)
        assert strict.verdicts[1][0].startswith("rejected: Message timestamp too old")

        page.get_by_role("button", name="Copy as cURL (re-signed now)").click()
        expect(page.locator(".copy-status")).to_have_text("Copied as cURL, re-signed now: run it within 5 minutes.")
        resigned = page.evaluate("navigator.clipboard.readText()")
        subprocess.run(["bash", "-c", resigned], check=True, capture_output=True, timeout=30)
        assert strict.verdicts[2] == ("accepted", delivery_id)
    assert _body_of(exact) == _body_of(resigned)
