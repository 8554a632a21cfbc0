"""In a real Chromium: sign up, build a form, set the webhook URL, submit the hosted page."""

import pytest
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook as Verifier

from app.core.extensions import db
from app.models import Webhook
from tests.conftest import drain
from tests.mailbox import signup_link


@pytest.fixture
def live_url(live_server):
    # the shared fixtures (tests/browser_support.py) own the server thread and the browser
    return live_server


def _add_field(page, label, kind="text", key="", default="", required=False):
    form = page.locator("#add-field")
    form.get_by_label("Label").fill(label)
    form.get_by_label("Key (used in webhooks)").fill(key)
    form.get_by_label("Type").select_option(kind)
    if required:
        form.get_by_label("Required").check()
    form.get_by_label("Default value").fill(default)
    form.get_by_role("button", name="Add field").click()
    # the builder adds it without a reload: wait until the list shows it
    expect(page.locator("#field-list .field-label").get_by_text(label, exact=True)).to_be_visible()


@pytest.mark.browser
def test_signup_build_form_set_webhook_submit_and_receive(app, live_url, page, receiver, mailbox):
    page.goto(f"{live_url}/signup")
    page.get_by_label("Email").fill("marketer@example.com")
    page.get_by_label("Password").fill("a long password")
    page.get_by_label("Workspace name").fill("Acme")
    page.get_by_role("button", name="Sign up").click()
    assert "Check your email" in page.content()
    page.goto(live_url + signup_link(mailbox.wait_for(1)[0]))
    page.get_by_role("button", name="Create my account").click()
    assert "Create your first form" in page.content()

    page.get_by_role("link", name="New form").first.click()
    page.get_by_label("Form name").fill("Spring leads")
    page.get_by_role("button", name="Create form").click()
    _add_field(page, "Name", required=True)
    _add_field(page, "Email", kind="email", required=True)
    _add_field(page, "Campaign", kind="hidden", key="campaign_name", default="spring-sale")
    assert "{{ campaign_name }}" in page.content()
    hosted_url = page.locator("#hosted-link").get_attribute("href")

    page.get_by_role("link", name="Settings → Webhook URL").click()
    seed_url = (f"{receiver.url}/webhook?campaign_name={{{{ campaign_name }}}}"
                "&campaign_type={{ campaign_type }}&lead_status={{ lead_status }}")
    page.get_by_label("New webhook URL").fill(seed_url)
    page.get_by_role("button", name="Add webhook", exact=True).click()
    assert "Webhook added." in page.content()
    page.get_by_role("button", name="Reveal").click()
    expect(page.locator("#signing-secret")).to_contain_text("whsec_")
    secret = page.locator("#signing-secret").inner_text()
    assert secret.startswith("whsec_")

    page.goto(f"{hosted_url}?utm_source=newsletter")
    page.get_by_label("Name").fill("Zoë Ana")
    page.get_by_label("Email").fill("zoe@example.com")
    page.get_by_role("button", name="Submit").click()
    assert "Thank you" in page.content()

    drain(app)
    (request,) = receiver.wait_for(1)
    assert request.query == {"campaign_name": ["spring-sale"], "campaign_type": [""], "lead_status": [""]}
    payload = Verifier(secret).verify(request.text, request.headers)
    answers = payload["data"]["submission"]["answers"]
    assert answers == {"name": "Zoë Ana", "email": "zoe@example.com", "campaign_name": "spring-sale"}
    assert payload["data"]["submission"]["meta"]["utm_source"] == "newsletter"
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).one().secret == secret
