"""Tenant isolation matrix: every route, every method, as workspace B against workspace A's objects.

ROUTES lists every endpoint of app.url_map with how it is walked; a new route that is not listed
fails test_every_route_is_covered. To cover a new route: add its endpoint to ROUTES and, if it takes a
new kind of id, teach `populate` to make that object and PARAMS to find it.
"""

import gzip
import io
import json
import zipfile
from datetime import timedelta
from itertools import chain

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.delivery import listen_sessions
from app.files.storage import storage
from app.integrations.presets import PRESETS
from app.models import (
    ApiKey,
    Attempt,
    CaptureBin,
    CsvExport,
    Delivery,
    Field,
    Form,
    Invitation,
    Membership,
    StoredFile,
    Submission,
    Webhook,
    Workspace,
)
from app.models.base import utcnow
from tests.conftest import make_form, make_webhook
from tests.figures import report

TENANT = "tenant"  # takes object ids: every combination with one of A's ids must be 404/405
LISTING = "listing"  # lists the caller's workspace: must show none of A's data
PUBLIC = "public"  # no workspace object behind it (the reason is in the table)
CREATES = "creates"  # takes no id: creates in the caller's own workspace, so it cannot reach A

ROUTES = {
    "static": (PUBLIC, "static files"),
    "favicon": (PUBLIC, "the site icon"),
    "auth.login": (PUBLIC, "log in"),
    "auth.signup": (PUBLIC, "sign up"),
    "auth.signup_sent": (PUBLIC, "a fixed page: check your email"),
    "auth.signup_confirm": (PUBLIC, "the signed sign-up token is the only credential"),
    "auth.logout": (PUBLIC, "ends the caller's own session"),
    "auth.set_language": (PUBLIC, "sets the caller's own dashboard language (their user row, or a cookie)"),
    "auth.password_forgot": (PUBLIC, "asks for a reset link by email address"),
    "auth.password_reset": (PUBLIC, "the secret token is the only credential"),
    "public.show": (PUBLIC, "hosted forms are public by public_id"),
    "public.submit": (PUBLIC, "hosted forms are public by public_id"),
    "public.preflight": (PUBLIC, "CORS preflight of the hosted form"),
    "public.embed_script": (PUBLIC, "the embed script of a public form, by public_id"),
    "public.challenge": (PUBLIC, "a proof-of-work challenge for a public form, by public_id"),
    "public.file": (PUBLIC, "the signed, expiring link is the only credential (tests/test_uploads.py)"),
    "dashboard.file_download": (TENANT, None),
    "dashboard.home": (LISTING, None),
    "dashboard.forms_index": (LISTING, None),
    "dashboard.form_new": (LISTING, None),
    "dashboard.form_from_gallery": (CREATES, None),
    "dashboard.form_edit": (TENANT, None),
    "dashboard.field_add": (TENANT, None),
    "dashboard.fields_reorder": (TENANT, None),
    "dashboard.form_share": (TENANT, None),
    "dashboard.form_notifications": (TENANT, None),
    "dashboard.form_design": (TENANT, None),
    "dashboard.form_design_preview": (TENANT, None),
    "dashboard.form_closing": (TENANT, None),
    "dashboard.form_duplicate": (TENANT, None),
    "dashboard.form_delete": (TENANT, None),
    "dashboard.submissions_index": (TENANT, None),
    "dashboard.submission_detail": (TENANT, None),
    "dashboard.submission_delete": (TENANT, None),
    "dashboard.submissions_export": (TENANT, None),
    "dashboard.submissions_export_by_mail": (TENANT, None),
    "dashboard.export_download": (TENANT, None),
    "dashboard.submissions_bulk_delete": (TENANT, None),
    "dashboard.data_settings": (LISTING, None),
    "dashboard.data_erase": (LISTING, None),
    "dashboard.data_export_json": (LISTING, None),
    "dashboard.data_export_zip": (LISTING, None),
    "dashboard.spam_index": (TENANT, None),
    "dashboard.spam_release": (TENANT, None),
    "dashboard.spam_delete": (TENANT, None),
    "dashboard.spam_settings_edit": (TENANT, None),
    "dashboard.spam_token": (TENANT, None),
    "dashboard.spam_blocklist": (LISTING, None),
    "dashboard.field_edit": (TENANT, None),
    "dashboard.field_action": (TENANT, None),
    "dashboard.webhook_settings": (TENANT, None),
    "dashboard.webhook_new": (TENANT, None),
    "dashboard.webhook_from_preset": (TENANT, None),
    "dashboard.webhook_edit": (TENANT, None),
    "dashboard.webhook_delete": (TENANT, None),
    "dashboard.webhook_toggle": (TENANT, None),
    "dashboard.webhook_preview": (TENANT, None),
    "dashboard.webhook_secret": (TENANT, None),
    "dashboard.webhook_listen_status": (TENANT, None),
    "dashboard.webhook_url": (TENANT, None),
    "dashboard.telegram_chats": (TENANT, None),
    "dashboard.webhook_rotate_secret": (TENANT, None),
    "dashboard.webhook_test": (TENANT, None),
    "dashboard.delivery_status": (TENANT, None),
    "dashboard.form_deliveries": (TENANT, None),
    "dashboard.webhook_deliveries": (TENANT, None),
    "dashboard.submission_deliveries": (TENANT, None),
    "dashboard.delivery_detail": (TENANT, None),
    "dashboard.attempt_curl": (TENANT, None),
    "dashboard.attempt_curl_resigned": (TENANT, None),
    "dashboard.attempt_curl_reveal": (TENANT, None),
    "dashboard.attempt_body": (TENANT, None),
    "dashboard.delivery_resend": (TENANT, None),
    "dashboard.delivery_cancel": (TENANT, None),
    "dashboard.webhook_resend_failed": (TENANT, None),
    "dashboard.webhook_enable": (TENANT, None),
    "dashboard.webhook_health": (TENANT, None),
    "dashboard.webhook_audit": (TENANT, None),
    "inspector.index": (LISTING, None),
    "inspector.show": (TENANT, None),
    "inspector.requests_json": (TENANT, None),
    "inspector.copy_deliveries": (TENANT, None),
    "inspector.stop_copy": (TENANT, None),
    "inspector.delete_bin": (TENANT, None),
    "inspector.capture": (PUBLIC, "capture URLs are public by their secret token"),
    "ops.healthz": (PUBLIC, "health check, no tenant data"),
    "ops.metrics": (PUBLIC, "aggregate metrics, token-protected, no tenant objects"),
    **{endpoint: (PUBLIC, "operators only (OPERATOR_EMAILS); queue internals, no tenant objects") for endpoint in (
        "rq_dashboard.static", "rq_dashboard.favicon", "rq_dashboard.queues_overview", "rq_dashboard.workers_overview",
        "rq_dashboard.jobs_overview", "rq_dashboard.job_view", "rq_dashboard.delete_job_view",
        "rq_dashboard.requeue_job_view", "rq_dashboard.requeue_all", "rq_dashboard.empty_queue",
        "rq_dashboard.compact_queue", "rq_dashboard.list_queues", "rq_dashboard.list_jobs", "rq_dashboard.job_info",
        "rq_dashboard.list_workers",
    )},
    "auth.members": (LISTING, None),
    "auth.invite": (CREATES, None),
    "auth.revoke_invitation": (TENANT, None),
    "auth.remove_member": (TENANT, None),
    "auth.switch_workspace": (PUBLIC, "picks among the caller's own memberships; walked below with A's id"),
    "auth.accept_invitation": (PUBLIC, "the secret token is the only credential"),
    "api_docs.openapi_json": (PUBLIC, "API description"),
    "api_docs.api_docs": (PUBLIC, "API documentation page"),
    "dashboard.api_keys": (LISTING, None),
    "dashboard.workspace_settings": (LISTING, None),
    "dashboard.workspace_theme": (LISTING, None),
    "dashboard.workspace_retention": (LISTING, None),
    "dashboard.api_key_create": (CREATES, None),
    "dashboard.api_key_revoke": (TENANT, None),
    "api.list_forms": (LISTING, None),
    "api.create_form": (CREATES, None),
    "api.get_form": (TENANT, None),
    "api.update_form": (TENANT, None),
    "api.delete_form": (TENANT, None),
    "api.list_submissions": (TENANT, None),
    "api.delete_submission": (TENANT, None),
    "api.preview_erasure": (LISTING, None),
    "api.erase_by_email": (LISTING, None),
    "api.export_workspace": (LISTING, None),
    "api.list_webhooks": (TENANT, None),
    "api.create_webhook": (TENANT, None),
    "api.create_webhook_from_preset": (TENANT, None),
    "api.get_webhook": (TENANT, None),
    "api.update_webhook": (TENANT, None),
    "api.delete_webhook": (TENANT, None),
    "api.test_webhook": (TENANT, None),
    "api.rotate_webhook_secret": (TENANT, None),
    "api.list_deliveries": (TENANT, None),
    "api.get_delivery": (TENANT, None),
    "api.retry_delivery": (TENANT, None),
    "api.open_listen_session": (TENANT, None),
    "api.open_local_listen_session": (TENANT, None),
    "api.next_listen_request": (TENANT, None),
    "api.answer_listen_request": (TENANT, None),
    "api.close_listen_session": (TENANT, None),
}

# route parameter → the object of a workspace it names; `action`-like params take fixed words
PARAMS = {
    "form_id": "form", "field_id": "field", "webhook_id": "webhook", "submission_id": "submission",
    "delivery_id": "delivery", "attempt_id": "attempt", "key_id": "api_key", "api_key_id": "api_key",
    "invitation_id": "invitation", "membership_id": "membership", "bin_id": "capture_bin",
    "file_id": "stored_file", "session_id": "listen_session", "export_id": "csv_export",
}
FIXED_PARAMS = {"action": ["delete", "up", "down"], "preset_name": sorted(PRESETS)[:2]}
# a body that would change something if a route forgot its scope
FORM_BODY = {
    "name": "hijacked", "label": "hijacked", "key": "hijacked", "type": "text", "submit_label": "Go",
    "url": "http://127.0.0.1:9/hijacked", "enabled": "y", "email": "b@example.com", "role": "admin",
}
JSON_BODY = {"name": "hijacked", "url": "http://127.0.0.1:9/hijacked", "enabled": False, "fields": []}
UNCHANGING_COLUMNS_SKIPPED = {"last_used_at", "session_token"}


def populate(app, accounts, email, marker):
    """One object of every kind in a new workspace; return (ids by kind, bearer key, markers)."""
    _, workspace_id = accounts.user(email)
    form_id, public_id = make_form(app, workspace_id, name=f"{marker} form")
    webhook_id = make_webhook(app, form_id, f"http://127.0.0.1:9/{marker}", headers={"X-Token": marker})
    with app.app_context():
        form = db.session.get(Form, form_id)
        submission = Submission(
            workspace_id=workspace_id, form_id=form_id, answers={"name": marker}, meta={},
            status="spam", spam_reasons=[{"code": "blocked_email", "detail": marker}],
        )
        db.session.add(submission)
        db.session.flush()
        delivery = Delivery(
            workspace_id=workspace_id, webhook_id=webhook_id, submission_id=submission.id,
            payload={"marker": marker}, status="failed", last_error=marker,
        )
        db.session.add(delivery)
        db.session.flush()
        attempt = Attempt(delivery_id=delivery.id, request={"url": marker}, error=marker)
        creator_id = db.session.scalars(select(Membership.user_id).where(Membership.workspace_id == workspace_id)).one()
        api_key, plaintext = ApiKey.generate(workspace_id, creator_id, name=f"{marker} key")
        invitation, _ = Invitation.issue(workspace_id, f"{marker.lower()}@invited.example", "member", None)
        capture_bin = CaptureBin(
            workspace_id=workspace_id, name=f"{marker} bin", expires_at=utcnow() + timedelta(days=1),
        )
        stored_file = StoredFile(
            workspace_id=workspace_id, form_id=form_id, submission_id=submission.id, field_key="name",
            name=f"{marker}.pdf", size=len(marker), content_type="application/pdf",
        )
        stored_file.storage_key = f"{workspace_id}/{marker.lower()}"
        storage().put(stored_file.storage_key, marker.encode(), "application/pdf")
        form.spam_token = f"fht_{marker}"
        form.captcha_secret = f"captcha-{marker}"
        db.session.get(Workspace, workspace_id).spam_blocklist = {"emails": [f"{marker.lower()}@blocked.example"]}
        csv_export = CsvExport(workspace_id=workspace_id, form_id=form_id, status="ready",
                               expires_at=utcnow() + timedelta(days=1))
        db.session.add_all([attempt, api_key, invitation, capture_bin, stored_file, csv_export])
        db.session.commit()
        storage().put(csv_export.storage_key, gzip.compress(marker.encode()), "application/gzip")
        membership = db.session.scalars(select(Membership).where(Membership.workspace_id == workspace_id)).one()
        ids = {
            "workspace": workspace_id, "form": form_id, "field": form.fields[0].id, "webhook": webhook_id,
            "submission": submission.id, "delivery": delivery.id, "attempt": attempt.id, "api_key": api_key.id,
            "invitation": invitation.id, "membership": membership.id, "capture_bin": capture_bin.id,
            "stored_file": stored_file.id, "csv_export": csv_export.id,
        }
        secret = db.session.get(Webhook, webhook_id).secret
    ids["listen_session"] = listen_sessions.open_session(app.redis, webhook_id, workspace_id, api_key.id, "instead")
    return ids, plaintext, {marker, public_id, secret, f"fht_{marker}", *ids.values()} - {workspace_id}


def test_every_route_is_covered(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(ROUTES)) == [], "new routes: add them to ROUTES in this test"
    assert sorted(set(ROUTES) - endpoints) == [], "gone routes: remove them from ROUTES"
    for rule in app.url_map.iter_rules():
        if ROUTES[rule.endpoint][0] == TENANT:
            unknown = set(rule.arguments) - set(PARAMS) - set(FIXED_PARAMS)
            assert not unknown, f"{rule.rule}: teach PARAMS/populate about {sorted(unknown)}"


def _url_variants(rule, a_ids, b_ids):
    """Every URL for rule where at least one object id is A's, the others B's."""
    object_params = [name for name in rule.arguments if name in PARAMS]
    fixed = [name for name in rule.arguments if name in FIXED_PARAMS]
    for fixed_values in _product([FIXED_PARAMS[name] for name in fixed]):
        for a_params in _non_empty_subsets(object_params):
            values = {name: (a_ids if name in a_params else b_ids)[PARAMS[name]] for name in object_params}
            values.update(zip(fixed, fixed_values, strict=True))
            yield rule.build(values, append_unknown=False)[1]


def _product(lists):
    result = [[]]
    for options in lists:
        result = [prefix + [option] for prefix in result for option in options]
    return result


def _non_empty_subsets(names):
    return chain.from_iterable(
        [[name for bit, name in enumerate(names) if mask >> bit & 1]] for mask in range(1, 2 ** len(names))
    )


def _snapshot(app):
    """Every row of every table, minus columns that a request may legitimately touch."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            columns = [column for column in table.columns if column.name not in UNCHANGING_COLUMNS_SKIPPED]
            rows = db.session.execute(select(*columns)).all()
            tables[table.name] = sorted(json.dumps([str(value) for value in row]) for row in rows)
        db.session.remove()
        return tables


def _request(client, method, url, api_key):
    if url.startswith("/api/"):
        return client.open(url, method=method, json=JSON_BODY, headers={"Authorization": f"Bearer {api_key}"})
    return client.open(url, method=method, data=FORM_BODY)


def _text(response):
    """The response body as text; a zip's entries unpacked, so what they hold is read too."""
    if response.mimetype == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
            return "".join(archive.read(name).decode(errors="replace") for name in archive.namelist())
    return response.get_data(as_text=True)


def _leaks(response, markers):
    body = _text(response) + json.dumps(dict(response.headers))
    return sorted(marker for marker in markers if marker in body)


@pytest.mark.app_config(RATELIMIT_ENABLED=False)
def test_workspace_b_gets_404_for_every_object_of_workspace_a(app, client, accounts):
    a_ids, _, a_markers = populate(app, accounts, "alpha@example.com", "ALPHAMARK")
    b_ids, b_key, _ = populate(app, accounts, "bravo@example.com", "BRAVOMARK")
    accounts.login(client, "bravo@example.com")
    before = _snapshot(app)

    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        kind = ROUTES[rule.endpoint][0]
        if kind in (PUBLIC, CREATES):
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"}) + ["PUT", "PATCH", "DELETE"]
        urls = list(_url_variants(rule, a_ids, b_ids)) if kind == TENANT else [rule.build({})[1]]
        for url in urls:
            for method in dict.fromkeys(methods):
                if kind == LISTING and method != "GET":
                    continue
                response = _request(client, method, url, b_key)
                checked += 1
                leaked = _leaks(response, a_markers)
                if leaked or (kind == TENANT and response.status_code not in (404, 405)):
                    failures.append(f"{method} {url} → {response.status_code} {leaked}")

    report(f"tenant isolation: {checked} requests as workspace B against workspace A, {len(failures)} failures")
    assert failures == []
    assert checked > 20
    switched = client.post("/workspace/switch", data={"workspace_id": a_ids["workspace"]}, follow_redirects=True)
    assert _leaks(switched, a_markers) == [] and _leaks(client.get("/forms"), a_markers) == []
    assert _snapshot(app) == before, "a request as workspace B changed data"
    with app.app_context():
        assert db.session.get(Field, a_ids["field"]) is not None
        assert db.session.scalars(select(Webhook.url).where(Webhook.id == a_ids["webhook"])).one().endswith("ALPHAMARK")
