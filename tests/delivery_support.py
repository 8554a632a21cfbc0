"""Helpers for the delivery engine tests: submit, run one worker pass, read back deliveries."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from app.core import queue
from app.core.extensions import db
from app.delivery import jobs, outbox, sender
from app.delivery.transport import AsyncTransport
from app.models import Attempt, Delivery, Webhook
from app.runtime.worker import run_worker
from tests.conftest import make_form, make_webhook

ANSWERS = {"name": "Ana", "email": "ana@example.com"}


def form_with_webhook(app, accounts, url, fields=None, **webhook_settings):
    """A user, a form and one webhook on it; return (form_id, public_id, webhook_id)."""
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id, fields)
    return form_id, public_id, make_webhook(app, form_id, url, **webhook_settings)


def submit(client, public_id, answers=None):
    """Post a submission as JSON; return its id."""
    response = client.post(f"/f/{public_id}", json=answers or ANSWERS)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["submission_id"]


def work_once(app):
    """One burst of the real worker over what is queued now (scheduled jobs stay scheduled)."""
    jobs.bind_app(app)
    run_worker(app, burst=True)


def take_and_lease(app, delivery_id, attempt_number=1, lease_seconds=30):
    """What a worker does just before sending: take the attempt's job and claim the attempt.

    Left like this, it is what SIGKILL mid-send leaves behind: the job started, the attempt leased.
    """
    taken = queue.JobQueue(app, "test-worker").take(100)
    assert outbox.job_id_for(delivery_id, attempt_number) in taken
    with app.app_context():
        claimed = sender.claim_many([(delivery_id, attempt_number)], lease_seconds)
        db.session.commit()
    assert claimed == {delivery_id}


def send_once(method, url, headers=None, body=b"{}", **transport_options):
    """One request through the worker's own SSRF-safe client; return its Outcome."""

    async def go():
        client = AsyncTransport(**transport_options)
        try:
            return await client.send(method, url, headers or {}, body)
        finally:
            await client.close()

    # a thread of its own: an earlier browser test may leave a loop running in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def all_deliveries(app):
    """Every delivery, as detached plain dicts with their attempts, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(Delivery).order_by(Delivery.created_at, Delivery.id)).all()
        result = []
        for delivery in rows:
            data = delivery.to_dict()
            data["attempts"] = [
                {**attempt.to_dict(), "error_class": attempt.error_class}
                for attempt in db.session.scalars(
                    select(Attempt).where(Attempt.delivery_id == delivery.id).order_by(Attempt.at)
                )
            ]
            result.append(data)
        db.session.remove()
        return result


def only_delivery(app):
    (delivery,) = all_deliveries(app)
    return delivery


def webhook_state(app, webhook_id):
    with app.app_context():
        webhook = db.session.get(Webhook, webhook_id)
        state = {"enabled": webhook.enabled, "disabled_reason": webhook.disabled_reason,
                 "secret": webhook.secret, "previous_secret": webhook.previous_secret}
        db.session.remove()
        return state
