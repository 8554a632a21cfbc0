"""The dashboard: a workspace's forms, their settings, sharing and copies."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404, scoped
from app.dashboard import bp
from app.dashboard.field_logic import offer_fields
from app.dashboard.forms import FieldForm, FormSettingsForm
from app.dashboard.gallery_routes import suggested_preset
from app.models import Form, Submission
from app.models.submissions import ACCEPTED
from app.public.snippets import embed_snippets
from app.services import erasure, field_renames, uploads
from app.services.form_templates import TEMPLATES
from app.services.forms import copy_form
from app.services.notification_settings import notify_creator


@bp.route("/")
def home():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.forms_index"))
    return redirect(url_for("auth.login"))


def submission_counts(workspace_id):
    """{form_id: number of submissions} for a workspace."""
    rows = db.session.execute(
        db.select(Submission.form_id, func.count())
        .where(Submission.workspace_id == workspace_id, Submission.status == ACCEPTED)
        .group_by(Submission.form_id)
    )
    return dict(rows.all())


@bp.route("/forms")
@login_required
def forms_index():
    """List the workspace's forms, newest first."""
    workspace_id = current_workspace_id()
    forms = db.session.scalars(scoped(Form, workspace_id).order_by(Form.created_at.desc())).all()
    return render_template(
        "dashboard/forms_index.html", forms=forms, counts=submission_counts(workspace_id), confirm=ConfirmForm(),
    )


def _apply_settings(settings, form):
    settings.populate_obj(form)
    form.redirect_url = form.redirect_url or None
    # left empty, both are the built-in texts in the page's language
    form.submit_label = (form.submit_label or "").strip()
    form.thank_you_message = (form.thank_you_message or "").strip()


@bp.route("/forms/new", methods=["GET", "POST"])
@login_required
def form_new():
    """Create a form."""
    settings = FormSettingsForm()
    if settings.validate_on_submit():
        form = Form(workspace_id=current_workspace_id(), notifications=notify_creator(current_user.id))
        _apply_settings(settings, form)
        db.session.add(form)
        db.session.commit()
        flash(_("Form “%(name)s” created. Now add its fields.", name=form.name), "success")
        return redirect(url_for("dashboard.form_edit", form_id=form.id))
    return render_template(
        "dashboard/form_new.html", settings=settings, templates=TEMPLATES.values(), confirm=ConfirmForm(),
    ), 422 if settings.errors else 200


@bp.route("/forms/<form_id>", methods=["GET", "POST"])
@login_required
def form_edit(form_id):
    """The builder: fields, settings and a live preview."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    settings = FormSettingsForm(obj=form)
    if settings.validate_on_submit():
        _apply_settings(settings, form)
        db.session.commit()
        flash(_("Form settings saved."), "success")
        return redirect(url_for("dashboard.form_edit", form_id=form.id) + "#settings")
    return render_form_edit(form, settings=settings, status=422 if settings.errors else 200)


def render_form_edit(form, settings=None, field_form=None, status=200):
    """The builder page, with the settings or add-field form showing their errors."""
    return render_template(
        "dashboard/form_edit.html", form=form,
        settings=settings or FormSettingsForm(obj=form, formdata=None),
        field_form=field_form or offer_fields(FieldForm(formdata=None), form.fields), confirm=ConfirmForm(),
        field_uses=field_renames.uses_by_key(form), describe_uses=field_renames.describe,
        suggested_preset=suggested_preset(form),
    ), status


@bp.route("/forms/<form_id>/share")
@login_required
def form_share(form_id):
    """Show the hosted link and the embed snippets, ready to copy."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    return render_template("dashboard/form_share.html", form=form, snippets=embed_snippets(form))


@bp.route("/forms/<form_id>/duplicate", methods=["POST"])
@login_required
def form_duplicate(form_id):
    """Copy a form with its fields and settings."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        flash(_("The page expired; try again."), "danger")
        return redirect(url_for("dashboard.form_edit", form_id=form.id))
    copy = copy_form(form, f"{form.name} (copy)"[:200])
    db.session.add(copy)
    db.session.commit()
    flash(_("Form duplicated as “%(name)s”. It has its own link; webhooks were not copied.", name=copy.name), "success")
    return redirect(url_for("dashboard.form_edit", form_id=copy.id))


@bp.route("/forms/<form_id>/delete", methods=["GET", "POST"])
@login_required
def form_delete(form_id):
    """Ask, then delete a form with its fields, submissions and webhooks."""
    workspace_id = current_workspace_id()
    form = get_scoped_or_404(Form, form_id, workspace_id)
    confirm = ConfirmForm()
    if confirm.validate_on_submit():
        name = form.name
        export_keys = erasure.form_leftovers(workspace_id, form.id)
        db.session.execute(db.delete(Submission).where(Submission.form_id == form.id))
        db.session.delete(form)
        db.session.commit()
        uploads.delete_objects(export_keys)
        flash(_("Form “%(name)s” deleted.", name=name), "info")
        return redirect(url_for("dashboard.forms_index"))
    count = submission_counts(workspace_id).get(form.id, 0)
    return render_template("dashboard/form_delete.html", form=form, confirm=confirm, submission_count=count)


from app.dashboard import field_routes, submission_routes  # noqa: E402,F401
