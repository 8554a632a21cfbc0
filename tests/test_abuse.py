"""Abuse limits on hosted forms: honeypot, rate limit, body size."""

import pytest

from app.core.extensions import db
from app.models import Delivery, Submission
from tests.conftest import drain, make_form, make_webhook

ANSWERS = {"name": "Ana", "email": "ana@example.com"}


def counts(app):
    with app.app_context():
        return (
            len(db.session.scalars(db.select(Submission.id)).all()),
            len(db.session.scalars(db.select(Delivery.id)).all()),
        )


def test_a_filled_honeypot_is_accepted_silently_and_never_stored_or_sent(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    make_webhook(app, form_id, receiver.url)

    as_json = client.post(f"/f/{public_id}", json={**ANSWERS, "_hp_website": "http://spam.example"})
    assert as_json.status_code == 201
    assert as_json.get_json()["ok"] is True and as_json.get_json()["submission_id"].startswith("sub_")
    as_browser = client.post(f"/f/{public_id}", data={**ANSWERS, "_hp_website": "http://spam.example"})
    assert as_browser.status_code == 200 and "Thank you" in as_browser.get_data(as_text=True)

    drain(app)
    assert counts(app) == (0, 0)
    assert receiver.requests == []

    client.post(f"/f/{public_id}", json={**ANSWERS, "_hp_website": ""})
    drain(app)
    assert counts(app) == (1, 1)
    assert len(receiver.wait_for(1)) == 1


def test_the_honeypot_is_invisible_and_skipped_by_keyboards(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    html = client.get(f"/f/{public_id}").get_data(as_text=True)
    assert '<div class="hp" aria-hidden="true">' in html
    assert 'name="_hp_website" tabindex="-1" autocomplete="off"' in html


@pytest.mark.app_config(PUBLIC_RATE_LIMIT="2/minute")
def test_posts_over_the_rate_limit_get_429_with_retry_after(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    _, other_public_id = make_form(app, workspace_id, name="Other")

    assert [client.post(f"/f/{public_id}", json=ANSWERS).status_code for _ in range(2)] == [201, 201]
    limited = client.post(f"/f/{public_id}", json=ANSWERS)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert limited.get_json()["error"]["code"] == "rate_limited"
    browser = client.post(f"/f/{public_id}", data=ANSWERS)
    assert browser.status_code == 429 and browser.headers["Retry-After"]
    assert counts(app) == (2, 0)

    # the limit is per form and per client address
    assert client.post(f"/f/{other_public_id}", json=ANSWERS).status_code == 201
    elsewhere = client.post(f"/f/{public_id}", json=ANSWERS, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 201


@pytest.mark.app_config(SUBMISSION_MAX_BYTES=2048)
def test_bodies_over_the_size_limit_get_413(app, client, accounts):
    _, workspace_id = accounts.user()
    fields = [{"key": "note", "label": "Note", "type": "textarea"}]
    _, public_id = make_form(app, workspace_id, fields)

    too_big = client.post(f"/f/{public_id}", json={"note": "x" * 4000})
    assert too_big.status_code == 413
    assert too_big.get_json()["error"]["code"] == "too_large"
    as_form = client.post(f"/f/{public_id}", data={"note": "x" * 4000})
    assert as_form.status_code == 413 and "text/html" in as_form.content_type
    as_multipart = client.post(
        f"/f/{public_id}", data={"note": "x" * 4000}, content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert as_multipart.status_code == 413 and as_multipart.get_json()["error"]["code"] == "too_large"
    assert counts(app) == (0, 0)

    assert client.post(f"/f/{public_id}", json={"note": "x" * 1000}).status_code == 201
