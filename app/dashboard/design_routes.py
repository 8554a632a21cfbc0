"""The Design tab: a form's description, images and theme with a live preview, and its closing rules."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.api.form_rules_input import validate_rules
from app.auth.workspaces import current_workspace_id
from app.core import timezones
from app.core.extensions import db
from app.core.tenancy import get_scoped_or_404
from app.dashboard import bp
from app.dashboard.design_forms import OWN_THEME, WORKSPACE_THEME, ClosingRulesForm, FormDesignForm
from app.design.page import page_design
from app.design.themes import clean_theme, effective_theme
from app.models import Form
from app.models.base import utcnow
from app.public.look import workspace_theme
from app.public.routes import render_design_preview
from app.services import closing

DESIGN_SETTINGS = ("description", "cover_image_url", "logo_url", "theme")
CLOSING_SETTINGS = ("closes_at", "max_submissions", "closed_message")


def _design_form(form):
    """The Design form showing what is saved: the form's own theme, or the workspace's it follows."""
    design = FormDesignForm(formdata=None, obj=form)
    design.theme_source.data = OWN_THEME if form.theme else WORKSPACE_THEME
    design.fill(effective_theme(form.theme, workspace_theme(form.workspace_id)))
    return design


def _closing_form(form):
    closing_form = ClosingRulesForm(formdata=None, obj=form)
    closing_form.closes_at.data = timezones.input_value(form.closes_at, timezones.current_zone())
    return closing_form


def _design_input(design):
    """What the Design form holds, in the API's names (theme None: follow the workspace)."""
    own = design.theme_source.data == OWN_THEME
    return {
        "description": design.description.data, "cover_image_url": design.cover_image_url.data,
        "logo_url": design.logo_url.data, "theme": design.theme_data() if own else None,
    }


def _in_dashboard_words(name, message):
    """The API's message, or the dashboard's where the API speaks of null (a box is left empty)."""
    if name in ("cover_image_url", "logo_url"):
        return _("enter the https:// address of an image, or leave it empty")
    if name == "max_submissions":
        return _("enter a whole number from 1 to %(max)s, or leave it empty", max=closing.MAX_SUBMISSIONS_LIMIT)
    return message


def _attach(errors, wtf_form):
    """Put each rule's message under its box (theme.accent goes to accent)."""
    for name, api_message in errors.items():
        message = _in_dashboard_words(name, api_message)
        box = name.removeprefix("theme.")
        wtf_form[box].errors = [*wtf_form[box].errors, message]


def _render(form, design=None, closing_form=None, status=200):
    zone = timezones.current_zone()
    return render_template(
        "dashboard/form_design.html", form=form, design=design or _design_form(form),
        closing_form=closing_form or _closing_form(form), zone=zone,
        zone_abbreviation=timezones.abbreviation(utcnow(), zone), closed_reason=closing.closed_reason(form),
        submission_count=closing.submission_count(form.id),
    ), status


@bp.route("/forms/<form_id>/design", methods=["GET", "POST"])
@login_required
def form_design(form_id):
    """Show the Design tab; save the description, images and theme through the API's checks."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    design = FormDesignForm()
    if not design.is_submitted():
        return _render(form)
    if design.validate():
        clean, errors = validate_rules(_design_input(design))
        if not errors:
            for name in DESIGN_SETTINGS:
                setattr(form, name, clean[name])
            db.session.commit()
            flash(_("Design saved."), "success")
            return redirect(url_for("dashboard.form_design", form_id=form.id), code=303)
        _attach(errors, design)
    return _render(form, design=design, status=422)


@bp.route("/forms/<form_id>/design/preview", methods=["GET", "POST"])
@login_required
def form_design_preview(form_id):
    """The hosted page in the saved design (GET), or in the design being edited (POST, nothing saved)."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    workspace = workspace_theme(form.workspace_id)
    saved = effective_theme(form.theme, workspace)
    design = FormDesignForm()
    if not design.is_submitted():
        return render_design_preview(form, page_design(saved, form.description, form.cover_image_url, form.logo_url))
    if design.theme_source.data == OWN_THEME:
        # a value that would be refused on save is drawn as saved, so the preview never fails
        theme, _errors = clean_theme(design.theme_data(), base=saved)
    else:
        theme = effective_theme(None, workspace)
    draft = page_design(theme, design.description.data, design.cover_image_url.data, design.logo_url.data)
    return render_design_preview(form, draft)


def _closing_input(closing_form):
    """(settings in the API's names, errors): the close time typed in the workspace's zone, sent in UTC."""
    zone = timezones.current_zone()
    data = {"max_submissions": closing_form.max_submissions.data, "closed_message": closing_form.closed_message.data}
    try:
        moment = timezones.parse_local(closing_form.closes_at.data, zone)
    except ValueError:
        return data, {"closes_at": _("pick a date and a time, for example 2026-12-31 17:00")}
    data["closes_at"] = moment.isoformat() if moment else None
    return data, {}


@bp.route("/forms/<form_id>/closing", methods=["POST"])
@login_required
def form_closing(form_id):
    """Save when the form stops taking answers and what visitors read then."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    closing_form = ClosingRulesForm()
    if closing_form.validate():
        data, errors = _closing_input(closing_form)
        clean, rule_errors = validate_rules(data)
        errors = {**rule_errors, **errors}
        if not errors:
            for name in CLOSING_SETTINGS:
                setattr(form, name, clean[name])
            db.session.commit()
            flash(_("Closing rules saved."), "success")
            return redirect(url_for("dashboard.form_design", form_id=form.id) + "#closing", code=303)
        _attach(errors, closing_form)
    return _render(form, closing_form=closing_form, status=422)
