"""An API client with a bearer key, for the tests of the REST API."""

from app.core.extensions import db
from app.models import Submission


class ApiClient:
    """The Flask test client, sending one workspace's API key."""

    def __init__(self, client, key, workspace_id):
        self.client = client
        self.key = key
        self.workspace_id = workspace_id

    def _call(self, method, path, headers=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.key}", **(headers or {})}
        return getattr(self.client, method)(f"/api/v1{path}", headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._call("get", path, **kwargs)

    def post(self, path, **kwargs):
        return self._call("post", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._call("patch", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._call("delete", path, **kwargs)

    def create_form(self, **overrides):
        body = {"name": "Leads", "fields": [
            {"key": "name", "label": "Name", "type": "text", "required": True},
            {"key": "email", "label": "Email", "type": "email", "required": True},
            {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
        ], **overrides}
        response = self.post("/forms", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def create_webhook(self, form_id, url, **overrides):
        response = self.post(f"/forms/{form_id}/webhooks", json={"url": url, **overrides})
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def api_client(app, accounts, email):
    """A new user's workspace and an ApiClient holding a key for it."""
    _, workspace_id = accounts.user(email)
    return ApiClient(app.test_client(), accounts.api_key(workspace_id), workspace_id)


def add_submissions(app, form_id, count):
    """Store count submissions of a form directly; return their ids, oldest first."""
    ids = []
    with app.app_context():
        form_workspace = db.session.execute(db.text("select workspace_id from forms where id = :id"),
                                            {"id": form_id}).scalar_one()
        for number in range(count):
            submission = Submission(workspace_id=form_workspace, form_id=form_id,
                                    answers={"name": f"person {number}"}, meta={})
            db.session.add(submission)
            db.session.flush()
            ids.append(submission.id)
        db.session.commit()
    return ids


def assert_error(response, status, field=None):
    """The contract's error shape with that status, naming field when given."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) <= {"code", "message", "fields"} and error["code"] and error["message"]
    if field is not None:
        assert field in error["fields"], error
    return error
