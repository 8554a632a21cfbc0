"""A form's Spam: the held submissions with their reasons, "Not spam", "Delete", and the checks' settings."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.team import can_manage
from app.auth.workspaces import current_membership, current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404, scoped
from app.dashboard import bp
from app.dashboard.list_pages import newest_first_page
from app.dashboard.spam_forms import MAX_KEY_LENGTH, BlocklistForm, SpamSettingsForm
from app.fields import field_type
from app.models import Form, Submission
from app.models.submissions import SPAM
from app.services import spam_review
from app.spam import blocklist
from app.spam.reasons import describe_all
from app.spam.settings import SpamSettings, save_spam_settings, spam_settings


def _held(form):
    return scoped(Submission, form.workspace_id).where(Submission.form_id == form.id, Submission.status == SPAM)


@bp.route("/forms/<form_id>/spam")
@login_required
def spam_index(form_id):
    """List a form's held submissions, newest first, each with why it was held."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    page = newest_first_page(_held(form), Submission)
    rows = page.rows
    columns = [field for field in form.fields if field_type(field.type).shown_in_table][:3]
    return render_template(
        "dashboard/spam_index.html", form=form, submissions=rows, columns=columns, page=page,
        reasons={row.id: describe_all(row.spam_reasons) for row in rows}, confirm=ConfirmForm(),
    )


def _held_or_404(form_id, submission_id):
    workspace_id = current_workspace_id()
    form = get_scoped_or_404(Form, form_id, workspace_id)
    submission = get_scoped_or_404(Submission, submission_id, workspace_id)
    if submission.form_id != form.id or submission.status != SPAM:
        abort(404)
    return form, submission


@bp.route("/forms/<form_id>/spam/<submission_id>/release", methods=["POST"])
@login_required
def spam_release(form_id, submission_id):
    """Not spam: accept the submission; its webhooks are sent now."""
    form, submission = _held_or_404(form_id, submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    spam_review.release(form, submission)
    flash(_("Marked as not spam: the submission is accepted and delivered."), "success")
    return redirect(url_for("dashboard.spam_index", form_id=form.id), code=303)


@bp.route("/forms/<form_id>/spam/<submission_id>/delete", methods=["POST"])
@login_required
def spam_delete(form_id, submission_id):
    """Delete a held submission and its files."""
    form, submission = _held_or_404(form_id, submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    spam_review.delete_submission(submission, user=current_user)
    flash(_("Spam submission deleted."), "info")
    return redirect(url_for("dashboard.spam_index", form_id=form.id), code=303)


def _settings_form(form):
    saved = spam_settings(form)
    return SpamSettingsForm(data={
        "challenge": saved.challenge, "min_seconds": saved.min_seconds, "check_links": saved.max_links is not None,
        "max_links": saved.max_links if saved.max_links is not None else SpamSettings.max_links,
        "duplicates": saved.duplicates, "blocklist": saved.blocklist, "captcha": saved.captcha,
        "captcha_site_key": saved.captcha_site_key,
    })


def _captcha_errors(settings_form, form):
    """A chosen captcha needs its site key and a secret (a new one, or the saved one)."""
    errors = {}
    if not settings_form.captcha.data:
        return errors
    site_key = (settings_form.captcha_site_key.data or "").strip()
    if not site_key or len(site_key) > MAX_KEY_LENGTH:
        errors["captcha_site_key"] = _(
            "the captcha needs its site key (at most %(max)d characters)", max=MAX_KEY_LENGTH)
    secret = settings_form.captcha_secret.data or form.captcha_secret
    if not secret or len(secret) > MAX_KEY_LENGTH:
        errors["captcha_secret"] = _(
            "the captcha needs its secret key (at most %(max)d characters)", max=MAX_KEY_LENGTH)
    return errors


def _render_settings(form, settings_form, status=200):
    return render_template(
        "dashboard/spam_settings.html", form=form, settings_form=settings_form, confirm=ConfirmForm(),
        has_secret=bool(form.captcha_secret),
    ), status


@bp.route("/forms/<form_id>/spam/settings", methods=["GET", "POST"])
@login_required
def spam_settings_edit(form_id):
    """Show and change which spam checks run on a form."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    if request.method == "GET":
        return _render_settings(form, _settings_form(form))
    settings_form = SpamSettingsForm()
    valid = settings_form.validate_on_submit()
    for name, message in _captcha_errors(settings_form, form).items():
        getattr(settings_form, name).errors = [*getattr(settings_form, name).errors, message]
        valid = False
    if not valid:
        return _render_settings(form, settings_form, 422)
    data = settings_form.data
    save_spam_settings(form, SpamSettings(
        challenge=data["challenge"], min_seconds=data["min_seconds"] or 0,
        max_links=(data["max_links"] if data["max_links"] is not None else SpamSettings.max_links)
        if data["check_links"] else None,
        duplicates=data["duplicates"], blocklist=data["blocklist"], captcha=data["captcha"] or "",
        captcha_site_key=(data["captcha_site_key"] or "").strip() if data["captcha"] else "",
    ))
    if data["captcha_secret"]:
        form.captcha_secret = data["captcha_secret"]
    db.session.commit()
    flash(_("Spam protection saved."), "success")
    return redirect(url_for("dashboard.spam_settings_edit", form_id=form.id), code=303)


@bp.route("/forms/<form_id>/spam/token", methods=["POST"])
@login_required
def spam_token(form_id):
    """Make a new token for servers that post to the form (the old one stops working)."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    spam_review.new_form_token(form)
    db.session.commit()
    flash(_("A new form token is ready; the previous one no longer works."), "success")
    return redirect(url_for("dashboard.spam_settings_edit", form_id=form.id), code=303)


@bp.route("/settings/spam", methods=["GET", "POST"])
@login_required
def spam_blocklist():
    """Show the workspace's block lists; owners and admins change them."""
    membership = current_membership()
    if membership is None:
        abort(404)
    workspace = membership.workspace
    saved = blocklist.blocklist_of(workspace)
    may_edit = can_manage(membership)
    if request.method == "GET":
        lists_form = BlocklistForm(data={
            "enabled": saved.enabled, "emails": "\n".join(saved.emails), "domains": "\n".join(saved.domains),
            "addresses": "\n".join(saved.addresses),
        })
        return render_template("dashboard/spam_blocklist.html", lists_form=lists_form, may_edit=may_edit)
    if not may_edit:
        abort(403)
    lists_form = BlocklistForm()
    if not lists_form.validate_on_submit():
        return render_template("dashboard/spam_blocklist.html", lists_form=lists_form, may_edit=may_edit), 422
    try:
        parsed = blocklist.parse_blocklist(
            lists_form.enabled.data, lists_form.emails.data, lists_form.domains.data, lists_form.addresses.data,
        )
    except blocklist.BlocklistError as error:
        getattr(lists_form, error.list_name).errors = [str(error)]
        return render_template("dashboard/spam_blocklist.html", lists_form=lists_form, may_edit=may_edit), 422
    workspace.spam_blocklist = parsed.as_dict()
    db.session.commit()
    flash(_("Block lists saved."), "success")
    return redirect(url_for("dashboard.spam_blocklist"), code=303)
