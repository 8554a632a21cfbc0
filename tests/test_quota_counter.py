"""The monthly quota kept as a Redis counter: the database stays the truth for every refusal."""

import io

import pytest

from app.core.extensions import db
from app.models import Submission
from app.services import quota_counter
from app.services.quotas import month_bounds
from tests.conftest import make_form
from tests.upload_support import as_rows

ANSWERS = {"name": "Ana", "email": "ana@example.com"}


def _stored(app):
    with app.app_context():
        return len(db.session.scalars(db.select(Submission)).all())


@pytest.mark.app_config(QUOTA_SUBMISSIONS_PER_MONTH=2)
def test_a_lost_counter_is_counted_again_from_the_database(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    for _ in range(2):
        assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    app.redis.flushdb()  # Redis restarted empty mid-month

    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 429
    assert _stored(app) == 2


@pytest.mark.app_config(QUOTA_SUBMISSIONS_PER_MONTH=3)
def test_a_counter_that_ran_ahead_is_mended_before_it_refuses(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id)
    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    # reservations whose submissions never arrived (a worker killed between the two)
    key = quota_counter.counter_key(workspace_id, month_bounds()[0])
    app.redis.set(key, 3)

    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 201
    assert client.post(f"/f/{public_id}", json=ANSWERS).status_code == 429
    assert _stored(app) == 3


@pytest.mark.app_config(QUOTA_SUBMISSIONS_PER_MONTH=5, QUOTA_STORAGE_BYTES=3000)
def test_a_post_refused_after_its_reservation_hands_it_back(app, client, accounts):
    _, workspace_id = accounts.user()
    _, public_id = make_form(app, workspace_id, as_rows([{"key": "cv", "label": "CV", "type": "file"}]))

    def post_file():
        data = {"cv": [(io.BytesIO(b"%PDF-1.4\n" + b"x" * 2000), "cv.pdf")]}
        return client.post(f"/f/{public_id}", data=data, content_type="multipart/form-data",
                           headers={"Accept": "application/json"})

    assert post_file().status_code == 201
    assert post_file().status_code == 413  # over the storage quota, after the submission's place was taken

    key = quota_counter.counter_key(workspace_id, month_bounds()[0])
    assert int(app.redis.get(key)) == 1
