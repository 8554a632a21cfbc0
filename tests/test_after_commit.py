"""Services flush, the caller commits: a job is queued after the commit, and never after a rollback."""

from app.core import queue
from app.core.extensions import db
from app.delivery.outbox import job_id_for
from app.models import Delivery, Webhook
from app.services.deliveries import send_test_event
from tests.delivery_support import form_with_webhook


def _queued(app, delivery_id):
    return queue.states([job_id_for(delivery_id, 1)], app)[0] is not None


def test_the_job_is_queued_only_when_the_caller_commits(app, accounts):
    _, _, webhook_id = form_with_webhook(app, accounts, "https://hooks.example/in")
    with app.app_context():
        rolled_back = send_test_event(db.session.get(Webhook, webhook_id)).id
        assert not _queued(app, rolled_back), "nothing is queued before the commit"
        db.session.rollback()
        db.session.commit()  # a later commit does not run what the rollback dropped
        assert db.session.get(Delivery, rolled_back) is None and not _queued(app, rolled_back)

        committed = send_test_event(db.session.get(Webhook, webhook_id)).id
        db.session.commit()
        assert _queued(app, committed)
