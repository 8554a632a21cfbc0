"""A submission to a form with several webhooks queues every delivery, in its workspace's queue."""

from app.core import queue
from app.core.extensions import db
from app.delivery import outbox
from app.models import Delivery
from tests.conftest import make_form, make_webhook

ANSWERS = {"name": "Ana", "email": "ana@example.com"}


def test_every_pending_delivery_of_a_post_is_queued(app, client, accounts):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    for number in range(3):
        make_webhook(app, form_id, f"https://hooks.example.com/{number}")
    make_webhook(app, form_id, "https://hooks.example.com/never",
                 conditions={"match": "all", "rules": [{"field": "name", "op": "equals", "value": "Budi"}]})

    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201

    with app.app_context():
        deliveries = db.session.scalars(db.select(Delivery)).all()
        pending = [outbox.job_id_for(delivery.id, 1) for delivery in deliveries if delivery.status == "pending"]
        skipped = [outbox.job_id_for(delivery.id, 1) for delivery in deliveries if delivery.status == "skipped"]
        assert len(pending) == 3 and len(skipped) == 1
        assert queue.states(pending) == ["queued"] * 3
        assert queue.states(skipped) == [None]
        assert sorted(queue.waiting_job_ids()) == sorted(pending)
