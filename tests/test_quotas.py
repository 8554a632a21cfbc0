"""Quotas per workspace: over them, a clear 429 and a dashboard banner; never a silent drop."""

from datetime import timedelta

import pytest

from app.core.extensions import db
from app.models import Form, Submission, Webhook
from app.services.quotas import QuotaExceeded, month_bounds
from app.services.webhooks import save_webhook
from tests.conftest import make_form, make_webhook

ANSWERS = {"name": "Ana", "email": "ana@example.com"}


@pytest.mark.app_config(QUOTA_SUBMISSIONS_PER_MONTH=2)
def test_submissions_over_the_monthly_quota_are_refused_out_loud(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    for _ in range(2):
        assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201

    refused = client.post(f"/f/{public_id}", json=ANSWERS)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    error = refused.get_json()["error"]
    assert error["code"] == "quota_exceeded" and "2 submissions for this month" in error["message"]
    page = client.post(f"/f/{public_id}", data=ANSWERS)
    assert page.status_code == 429 and "not accepting answers right now" in page.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(db.select(Submission)).all()) == 2

    accounts.login(client)
    banner = client.get("/forms").get_data(as_text=True)
    assert "used all 2 submissions of this month" in banner

    with app.app_context():  # last month's submissions do not count against this month
        start, _ = month_bounds()
        for submission in db.session.scalars(db.select(Submission)):
            submission.created_at = start - timedelta(days=1)
        db.session.commit()
    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    assert "used all" not in client.get("/forms").get_data(as_text=True)


@pytest.mark.app_config(QUOTA_WEBHOOKS_PER_FORM=2)
def test_a_form_cannot_get_more_webhooks_than_the_quota(app, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    other_form_id, _ = make_form(app, workspace_id, name="Other")
    make_webhook(app, form_id, receiver.url)
    make_webhook(app, form_id, receiver.url)
    with app.app_context():
        with pytest.raises(QuotaExceeded, match="at most 2 webhooks"):
            save_webhook(db.session.get(Form, form_id), {"url": receiver.url})
        db.session.rollback()
        save_webhook(db.session.get(Form, other_form_id), {"url": receiver.url})
        db.session.commit()
        assert len(db.session.scalars(db.select(Webhook).where(Webhook.form_id == form_id)).all()) == 2
        assert len(db.session.scalars(db.select(Webhook).where(Webhook.form_id == other_form_id)).all()) == 1


@pytest.mark.app_config(QUOTA_WEBHOOKS_PER_FORM=0)
def test_dashboard_webhook_creation_over_quota_is_a_clear_429(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    accounts.login(client)
    response = client.post(f"/forms/{form_id}/settings/webhook", data={"url": receiver.url + "/hook", "enabled": "y"})
    assert response.status_code == 429 and "at most 0 webhooks" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Webhook)).all() == []


@pytest.mark.app_config(QUOTA_WEBHOOKS_PER_FORM=1)
def test_api_webhook_creation_over_quota_is_a_json_429(app, client, accounts, receiver):
    _, workspace_id = accounts.user()
    form_id, _ = make_form(app, workspace_id)
    headers = {"Authorization": f"Bearer {accounts.api_key(workspace_id)}"}
    first = client.post(f"/api/v1/forms/{form_id}/webhooks", json={"url": receiver.url + "/a"}, headers=headers)
    assert first.status_code == 201
    second = client.post(f"/api/v1/forms/{form_id}/webhooks", json={"url": receiver.url + "/b"}, headers=headers)
    assert second.status_code == 429
    assert second.get_json()["error"]["code"] == "quota_exceeded"
    with app.app_context():
        assert len(db.session.scalars(db.select(Webhook)).all()) == 1
