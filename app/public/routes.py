"""The hosted form: GET shows it, POST stores a submission (CONTRACT.md §3)."""

from flask import current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from app.core import row_inserts
from app.core.errors import ApiError, error_response, wants_json
from app.core.extensions import csrf, db, limiter
from app.core.i18n import current_locale, form_locale, use_locale, visitor_locale
from app.delivery import outbox
from app.fields import field_type, links
from app.models import Form, Submission, Workspace
from app.models.base import utcnow
from app.models.ids import new_id
from app.models.submissions import ACCEPTED, SPAM
from app.public import bp, steps
from app.public import uploads as file_parts
from app.public.forms import build_submission_form
from app.public.intake import (
    HONEYPOT_NAME,
    carried_values,
    hidden_fields,
    hidden_values,
    read_formdata,
    submission_meta,
    typed_meta,
)
from app.public.look import design_for, render_closed
from app.services import closing, piping, quotas, uploads
from app.services.submission_effects import add_submission_effects
from app.spam import scoring

DB_RETRY_AFTER = "5"
# the step buttons of a multi-page form posted without JavaScript (field keys start with a letter)
NAV_NAME = "_nav"
STEP_NAME = "_step"
EMBED_INITIAL_HEIGHT = 480


def database_unavailable():
    """A 503 the client can retry: the database refused us, nothing was stored."""
    return ApiError(503, _("the service is briefly unavailable, try again"), headers={"Retry-After": DB_RETRY_AFTER})


# the form, its fields and its workspace (theme, block lists, phone region) in one statement
_FORM_WITH_FIELDS = (select(Form, Workspace).join(Workspace, Workspace.id == Form.workspace_id)
                     .options(joinedload(Form.fields)))


def _load_form(public_id):
    try:
        found = db.session.execute(_FORM_WITH_FIELDS.where(Form.public_id == public_id)).unique().one_or_none()
    except OperationalError as exc:
        db.session.rollback()
        raise database_unavailable() from exc
    form, workspace = found or (None, None)
    if form is None or not (form.enabled or _is_preview(form)):
        raise ApiError(404, _("form not found"))
    # held for the request: the session's identity map keeps only referenced rows, and the
    # workspace is read again by the spam checks and the page's theme (session.get, no SQL)
    g.form_workspace = workspace
    use_locale(form_locale(form))
    return form


def _is_preview(form):
    """?preview=1 from a member of the form's workspace: shown even when off, nothing stored."""
    if request.args.get("preview") != "1" or not current_user.is_authenticated:
        return False
    return current_user.membership_in(form.workspace_id) is not None


def _rate_limit_key():
    return f"{request.view_args.get('public_id')}:{request.remote_addr}"


@bp.app_template_global()
def field_partial(field):
    """The partial that renders field on the hosted page and in the HTML snippet."""
    return field_type(field.type).partial


@bp.app_template_global()
def field_autocomplete(field):
    """The autocomplete token of field's input, or None."""
    return field_type(field.type).autocomplete(field)


@bp.before_request
def answer_in_the_visitors_language():
    """Until the form is known (its language may be fixed), speak the visitor's language."""
    use_locale(visitor_locale())


@bp.app_template_filter("linked")
def linked_filter(text):
    """A consent or statement label as HTML: only its http(s) and mailto links become links."""
    return links.linked(text)


@bp.app_template_global()
def form_logic(form):
    """What form_steps.js needs besides the page: each field's type, and the messages it may show."""
    return {
        "types": {field.key: field.type for field in form.fields},
        "messages": {
            "required": _("this field is required"),
            "tick": _("tick this box to continue"),
            "other": _("type your answer next to “Other…”"),
            "email": _("enter a valid email address"),
            "url": _("enter a valid URL"),
            "number": _("enter a number"),
        },
    }


@bp.after_request
def allow_any_origin(response):
    """Hosted forms are posted to from any site, and framed by any site."""
    if request.endpoint in ("public.submit", "public.show", "public.embed_script", "public.challenge"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.route("/f/<public_id>", methods=["GET"], endpoint="show")
def show(public_id):
    """Show the hosted form."""
    try:
        form = _load_form(public_id)
    except ApiError as error:
        if error.status == 404:
            return render_template("public/not_found.html"), 404
        raise
    if closing.closed_reason(form) and not _is_preview(form):
        return render_closed(form, page_context(form))
    wtf_form = build_submission_form(form)(data=hidden_values(form, request.args))
    return _render_form(form, wtf_form, steps.walk(form, wtf_form, steps.VALIDATE_NOTHING))


@bp.errorhandler(closing.FormClosed)
def answer_closed(error):
    """410 with the owner's closed message, as JSON or as the closed page."""
    db.session.rollback()
    if wants_json():
        return error_response(410, error.message, code=error.code)
    return render_closed(error.form, page_context(error.form))


@bp.route("/f/<public_id>", methods=["OPTIONS"], endpoint="preflight")
def preflight(public_id):
    response = current_app.make_default_options_response()
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    return response


@bp.route("/f/<public_id>", methods=["POST"], endpoint="submit")
@csrf.exempt
@limiter.limit(lambda: current_app.config["PUBLIC_RATE_LIMIT"], key_func=_rate_limit_key)
def submit(public_id):
    """Validate and store a submission, then queue its webhooks."""
    form = _load_form(public_id)
    request.max_content_length = file_parts.body_limit(form)
    if not _is_preview(form):
        closing.check_open(form)
    json_client = wants_json()
    formdata = read_formdata(request)
    for key, value in hidden_values(form, request.args).items():
        if key not in formdata:
            formdata = formdata.copy()
            formdata[key] = value
    formdata = file_parts.with_files(form, request, formdata)
    wtf_form = build_submission_form(form)(formdata=formdata)
    if not json_client and formdata.get(NAV_NAME) in ("next", "back"):
        step = _step_answer(form, wtf_form, formdata)
        if step is not None:
            return step
    # logic decides who is asked: a field hidden by it is not validated and its answer not stored
    result = steps.walk(form, wtf_form)
    if result.error_page is not None:
        fields = {key: "; ".join(errors) for key, errors in wtf_form.errors.items()}
        status = 413 if file_parts.too_large(wtf_form) else 422
        if json_client:
            raise ApiError(status, _("some answers are not valid"), fields)
        return _render_form(form, wtf_form, result, result.error_page), status

    submission = Submission(
        id=new_id("sub"), workspace_id=form.workspace_id, form_id=form.id, created_at=utcnow(),
        answers=result.answers, language=current_locale(),
        meta={**submission_meta(request, formdata), **typed_meta(form, wtf_form, result.answers)},
    )
    if formdata.get(HONEYPOT_NAME) or _is_preview(form):
        # a bot filled the invisible field, or the owner is trying the preview: answer as if
        # accepted, store and send nothing
        return _accepted(form, submission, json_client)
    # suspected spam is kept for the owner to judge, and answered like any other post (a bot
    # learns nothing); it sets nothing off until released
    reasons = scoring.judge(form, request, formdata, result.answers, json_client)
    submission.status = SPAM if reasons else ACCEPTED
    submission.spam_reasons = reasons or None

    try:
        deliveries = _store(form, submission, uploads.uploads_of(wtf_form))
    except Exception:
        scoring.not_stored(form, result.answers, reasons)
        raise
    # the deliveries were created in that transaction: no job can exist for them yet
    outbox.enqueue_pending(deliveries, new=True)
    return _accepted(form, submission, json_client)


def _posted_step(form, formdata):
    try:
        return min(max(int(formdata.get(STEP_NAME, "0")), 0), len(steps.pages_of(form)) - 1)
    except ValueError:
        return 0


def _step_answer(form, wtf_form, formdata):
    """A step of a multi-page form without JavaScript: the page before, or after this one's checks.

    None when Next was pressed on the last shown page: that is the submission.
    """
    current = _posted_step(form, formdata)
    if formdata.get(NAV_NAME) == "back":
        result = steps.walk(form, wtf_form, steps.VALIDATE_NOTHING)
        previous = steps.neighbour(result.shown_pages, current, -1)
        return _render_form(form, wtf_form, result, current if previous is None else previous, quiet=True)
    result = steps.walk(form, wtf_form, validate_through=current)
    if result.error_page is not None:
        return _render_form(form, wtf_form, result, result.error_page), 422
    following = steps.neighbour(result.shown_pages, current, 1)
    if following is None:
        return None
    return _render_form(form, wtf_form, result, following)


def _store(form, submission, files):
    """Store submission, its files, its deliveries and its mail in one transaction; return the deliveries.

    The files' bytes are written before the commit, and removed again when it fails.

    What was written stays loaded after the commit: reading it back (the ids to enqueue,
    the form for the answer) would cost a query per object.
    """
    session = db.session()
    expire_on_commit = session.expire_on_commit
    kept, reserved = [], False
    try:
        closing.claim_place(form)
        quotas.check_submission_quota(form.workspace_id)
        reserved = True
        kept = uploads.keep_files(submission, files) if files else []
        with session.no_autoflush:
            deliveries = add_submission_effects(form, submission)
        # written last (the files and mail rows flush at commit, after them), so SQLite's write
        # lock is held only from here to the commit
        row_inserts.insert_rows(session, [submission, *deliveries])
        session.expire_on_commit = False
        session.commit()
    except BaseException as exc:
        session.rollback()
        uploads.discard(kept)
        if reserved:
            quotas.release_submission_quota(form.workspace_id)
        if isinstance(exc, OperationalError):
            raise database_unavailable() from exc
        raise
    finally:
        session.expire_on_commit = expire_on_commit
    return deliveries


def _is_embedded():
    return request.args.get("embed") == "1"


def page_context(form, design=None):
    """What every hosted page of form renders with; design replaces the saved one (the draft preview)."""
    return {
        "form": form, "embed": _is_embedded() or _is_preview(form), "preview": _is_preview(form),
        "design": design or design_for(form),
    }


def _render_form(form, wtf_form, result, current=0, quiet=False, context=None):
    """The form at page current; quiet drops errors (Back does not judge the page it leaves)."""
    if quiet:
        for wtf_field in wtf_form:
            wtf_field.errors = []
    context = context or page_context(form)
    closed = context["preview"] and closing.closed_reason(form) is not None
    return render_template(
        "public/form.html", wtf_form=wtf_form, carried=carried_values(request), walk=result, current=current,
        logic_hidden=steps.settled_hidden(result, current), closed=closed,
        posted=request.form if request.method == "POST" else None, **context,
    )


def render_design_preview(form, design):
    """The hosted page of form as it looks in design (a draft of the Design tab), nothing filled in.

    Shown as a full page (its background and card, not the transparent embed) inside the Design
    tab; its form posts to the hosted preview, so answers typed there are checked, never stored.
    """
    wtf_form = build_submission_form(form)(formdata=None)
    context = {
        "form": form, "embed": False, "preview": True, "design": design,
        "form_action": url_for("public.submit", public_id=form.public_id, preview=1),
    }
    return _render_form(form, wtf_form, steps.walk(form, wtf_form, steps.VALIDATE_NOTHING), context=context)


def _accepted(form, submission, json_client):
    if json_client:
        return jsonify({"ok": True, "submission_id": submission.id}), 201
    answers = piping.answer_context(
        form, submission.id, submission.answers, submission.meta, submission.created_at.isoformat(),
    )
    context = page_context(form)
    thank_you = piping.thank_you_text(form, answers)
    # a redirect URL saved before it was checked as sent may no longer be one: thank instead
    target = piping.redirect_target(form, answers)
    if target and not context["preview"]:
        # in an iframe the redirect must replace the embedding page, not the frame
        if _is_embedded():
            return render_template("public/redirect.html", thank_you=thank_you, target=target, **context)
        return redirect(target, code=303)
    return render_template("public/thanks.html", thank_you=thank_you, **context)


@bp.route("/f/<public_id>/embed.js", methods=["GET"], endpoint="embed_script")
def embed_script(public_id):
    """Return the script that puts the form in an auto-resizing iframe where its tag stands."""
    form = _load_form(public_id)
    script = render_template(
        "public/embed.js", form=form, initial_height=EMBED_INITIAL_HEIGHT,
        form_url=url_for("public.show", public_id=form.public_id, _external=True),
        hidden_keys=[field.key for field in hidden_fields(form)],
    )
    response = current_app.response_class(script, mimetype="application/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
