"""Spam checks on the public endpoint: the challenge, each cheap signal, and what a held post sets off."""

import pytest
from sqlalchemy import select

from app.core.extensions import db
from app.models import Delivery, Form, Submission, Workspace
from app.spam import challenge, stamps
from tests.api_support import ApiClient
from tests.conftest import drain, make_form, make_webhook
from tests.spam_support import solved_payload, stamp_from, stamp_shown_ago

pytestmark = pytest.mark.app_config(SPAM_PROTECTION=True)
ANSWERS = {"name": "Ana Lima", "email": "ana@example.com"}


@pytest.fixture
def form(app, accounts):
    _, workspace_id = accounts.user()
    form_id, public_id = make_form(app, workspace_id)
    return {"id": form_id, "public_id": public_id, "workspace_id": workspace_id}


def human_post(app, client, form, answers=ANSWERS, **extra):
    """A browser post: the answers, a solved challenge, and a page shown a minute ago."""
    body = {
        **answers, challenge.FIELD_NAME: solved_payload(client, form["public_id"]),
        stamps.FIELD_NAME: stamp_shown_ago(app, form["public_id"], 60), **extra,
    }
    return client.post(f"/f/{form['public_id']}", data=body)


def stored(app):
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.created_at)).all()
        return [(row.status, [reason["code"] for reason in row.spam_reasons or []], row.id) for row in rows]


def delivery_count(app):
    with app.app_context():
        return len(db.session.scalars(select(Delivery.id)).all())


def set_spam_settings(app, form, **settings):
    with app.app_context():
        db.session.get(Form, form["id"]).spam_settings = settings
        db.session.commit()


def test_the_page_carries_the_widget_its_challenge_url_and_a_render_stamp(client, form):
    html = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert f'challenge="http://localhost/f/{form["public_id"]}/challenge"' in html
    assert 'name="_altcha"' in html and "vendor/altcha/altcha.external.min.js" in html
    assert stamp_from(html)
    challenge_response = client.get(f"/f/{form['public_id']}/challenge")
    assert challenge_response.headers["Access-Control-Allow-Origin"] == "*"
    assert challenge_response.headers["Cache-Control"] == "no-store"
    parameters = challenge_response.get_json()["parameters"]
    assert parameters["algorithm"] == "PBKDF2/SHA-256" and parameters["data"] == {"form": form["public_id"]}


def test_a_solved_challenge_is_accepted_and_delivered(app, client, form, receiver):
    make_webhook(app, form["id"], receiver.url + "/hook")
    assert human_post(app, client, form).status_code == 200
    assert [status for status, _, _ in stored(app)] == ["accepted"]
    drain(app)
    assert len(receiver.wait_for(1)) == 1


def test_no_solution_and_a_replayed_one_are_held_with_their_reasons_and_not_delivered(app, client, form, receiver):
    make_webhook(app, form["id"], receiver.url + "/hook")
    shown = stamp_shown_ago(app, form["public_id"], 60)
    missing = client.post(f"/f/{form['public_id']}", data={**ANSWERS, stamps.FIELD_NAME: shown})
    payload = solved_payload(client, form["public_id"])
    first = client.post(f"/f/{form['public_id']}", data={
        "name": "Budi", "email": "budi@example.com", challenge.FIELD_NAME: payload, stamps.FIELD_NAME: shown})
    replayed = client.post(f"/f/{form['public_id']}", data={
        "name": "Citra", "email": "citra@example.com", challenge.FIELD_NAME: payload, stamps.FIELD_NAME: shown})
    # a bot learns nothing: every post is thanked alike
    assert [r.status_code for r in (missing, first, replayed)] == [200, 200, 200]
    assert [(status, codes) for status, codes, _ in stored(app)] == [
        ("spam", ["challenge_missing"]), ("accepted", []), ("spam", ["challenge_replayed"]),
    ]
    drain(app)
    assert [request.path for request in receiver.wait_for(1)] == ["/hook"]
    assert delivery_count(app) == 1


def test_a_forged_or_foreign_solution_is_invalid(app, client, form, accounts):
    _, other_public_id = make_form(app, form["workspace_id"], name="Other")
    foreign = solved_payload(client, other_public_id)
    shown = stamp_shown_ago(app, form["public_id"], 60)
    client.post(f"/f/{form['public_id']}", data={**ANSWERS, challenge.FIELD_NAME: foreign, stamps.FIELD_NAME: shown})
    client.post(f"/f/{form['public_id']}", data={
        "name": "X", "email": "x@example.com", challenge.FIELD_NAME: "bm90IGEgcGF5bG9hZA==", stamps.FIELD_NAME: shown})
    assert [codes for _, codes, _ in stored(app)] == [["challenge_invalid"], ["challenge_invalid"]]


def test_too_fast_counts_from_the_render_stamp(app, client, form):
    html = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    payload = solved_payload(client, form["public_id"])
    client.post(f"/f/{form['public_id']}", data={
        **ANSWERS, challenge.FIELD_NAME: payload, stamps.FIELD_NAME: stamp_from(html)})
    assert [codes for _, codes, _ in stored(app)] == [["too_fast"]]
    set_spam_settings(app, form, min_seconds=0)
    client.post(f"/f/{form['public_id']}", data={
        "name": "Dewi", "email": "dewi@example.com", challenge.FIELD_NAME: solved_payload(client, form["public_id"]),
        stamps.FIELD_NAME: stamp_from(html)})
    assert [codes for _, codes, _ in stored(app)][1] == []


def test_too_many_links_and_its_limit(app, client, form):
    links = "see https://a.example http://b.example www.c.example [url=d]"
    human_post(app, client, form, {"name": links, "email": "e@example.com"})
    set_spam_settings(app, form, max_links=10)
    human_post(app, client, form, {"name": links, "email": "f@example.com"})
    set_spam_settings(app, form, max_links=None)
    human_post(app, client, form, {"name": links + " " + links * 5, "email": "g@example.com"})
    assert [codes for _, codes, _ in stored(app)] == [["too_many_links"], [], []]


def test_the_same_answers_again_within_the_window_are_a_duplicate(app, client, form):
    human_post(app, client, form)
    human_post(app, client, form)
    human_post(app, client, form, {"name": "Ana Lima", "email": "other@example.com"})
    set_spam_settings(app, form, duplicates=False)
    human_post(app, client, form)
    assert [codes for _, codes, _ in stored(app)] == [[], ["duplicate"], [], []]


def test_block_lists_hold_emails_domains_and_addresses(app, client, form):
    with app.app_context():
        db.session.get(Workspace, form["workspace_id"]).spam_blocklist = {
            "enabled": True, "emails": ["bad@example.com"], "domains": ["spam.example"], "addresses": [],
        }
        db.session.commit()
    human_post(app, client, form, {"name": "A", "email": "BAD@example.com"})
    human_post(app, client, form, {"name": "B", "email": "x@mail.spam.example"})
    human_post(app, client, form, {"name": "C", "email": "ok@example.org"})
    with app.app_context():
        db.session.get(Workspace, form["workspace_id"]).spam_blocklist = {
            "enabled": True, "emails": [], "domains": [], "addresses": ["127.0.0.0/8"],
        }
        db.session.commit()
    human_post(app, client, form, {"name": "D", "email": "d@example.org"})
    set_spam_settings(app, form, blocklist=False)
    human_post(app, client, form, {"name": "E", "email": "e@example.org"})
    assert [codes for _, codes, _ in stored(app)] == [
        ["blocked_email"], ["blocked_domain"], [], ["blocked_address"], [],
    ]


def test_json_clients_are_scored_on_cheap_signals_only(app, client, form, receiver):
    make_webhook(app, form["id"], receiver.url + "/hook")
    first = client.post(f"/f/{form['public_id']}", json=ANSWERS)
    again = client.post(f"/f/{form['public_id']}", json=ANSWERS)
    by_accept = client.post(
        f"/f/{form['public_id']}", data={"name": "Eka", "email": "eka@example.com"},
        headers={"Accept": "application/json"},
    )
    assert [r.status_code for r in (first, again, by_accept)] == [201, 201, 201]
    assert first.get_json()["ok"] is True
    assert [codes for _, codes, _ in stored(app)] == [[], ["duplicate"], []]
    drain(app)
    assert len(receiver.wait_for(2)) == 2 and delivery_count(app) == 2


def test_the_form_token_skips_every_check(app, client, form):
    with app.app_context():
        db.session.get(Form, form["id"]).spam_token = "fht_secret-token"
        db.session.commit()
    headers = {"Formhook-Form-Token": "fht_secret-token"}
    client.post(f"/f/{form['public_id']}", data=ANSWERS, headers=headers)
    client.post(f"/f/{form['public_id']}", data=ANSWERS, headers=headers)
    client.post(f"/f/{form['public_id']}", data=ANSWERS, headers={"Formhook-Form-Token": "fht_wrong"})
    # the token skips the duplicate check too, so nothing was remembered for the third post
    assert [codes for _, codes, _ in stored(app)] == [[], [], ["challenge_missing"]]


def test_the_challenge_can_be_turned_off_per_form(app, client, form):
    set_spam_settings(app, form, challenge=False)
    html = client.get(f"/f/{form['public_id']}").get_data(as_text=True)
    assert "altcha-widget" not in html
    shown = stamp_shown_ago(app, form["public_id"], 60)
    client.post(f"/f/{form['public_id']}", data={**ANSWERS, stamps.FIELD_NAME: shown})
    assert [codes for _, codes, _ in stored(app)] == [[]]


def test_held_posts_do_not_fill_a_form_with_a_count(app, client, form):
    with app.app_context():
        db.session.get(Form, form["id"]).max_submissions = 1
        db.session.commit()
    client.post(f"/f/{form['public_id']}", data=ANSWERS)  # held: no challenge
    assert human_post(app, client, form, {"name": "Fajar", "email": "f@example.com"}).status_code == 200
    assert [status for status, _, _ in stored(app)] == ["spam", "accepted"]
    assert client.post(f"/f/{form['public_id']}", json={"name": "G", "email": "g@example.com"}).status_code == 410


def test_the_api_lists_accepted_submissions_and_the_held_ones_on_request(app, client, form, accounts):
    client.post(f"/f/{form['public_id']}", data=ANSWERS)  # held
    client.post(f"/f/{form['public_id']}", json={"name": "Hana", "email": "hana@example.com"})
    api = ApiClient(app.test_client(), accounts.api_key(form["workspace_id"]), form["workspace_id"])
    accepted = api.get(f"/forms/{form['id']}/submissions").get_json()["data"]
    held = api.get(f"/forms/{form['id']}/submissions?status=spam").get_json()["data"]
    assert [(row["answers"]["name"], set(row)) for row in accepted] == [
        ("Hana", {"id", "created_at", "answers", "meta"})]  # the contract's keys, no more
    assert [(row["answers"]["name"], row["status"], row["spam_reasons"]) for row in held] == [
        ("Ana Lima", "spam", ["challenge_missing"])]
    wrong = api.get(f"/forms/{form['id']}/submissions?status=maybe")
    assert wrong.status_code == 422 and wrong.get_json()["error"]["fields"] == {"status": "must be accepted or spam"}


def test_a_post_refused_after_judging_is_no_duplicate_when_sent_again(app, client, form):
    app.config["QUOTA_SUBMISSIONS_PER_MONTH"] = 0  # over quota: the post is judged, then refused
    refused = client.post(f"/f/{form['public_id']}", json=ANSWERS)
    app.config["QUOTA_SUBMISSIONS_PER_MONTH"] = 10
    assert refused.status_code == 429
    assert client.post(f"/f/{form['public_id']}", json=ANSWERS).status_code == 201
    assert [codes for _, codes, _ in stored(app)] == [[]]
