"""Settings → Workspace: time zone, default phone region, retention and default theme."""

from babel import Locale
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectField

from app.auth.team import can_manage
from app.auth.workspaces import current_membership
from app.core import phones, timezones
from app.core.extensions import db
from app.core.forms import TranslatedForm
from app.dashboard import bp
from app.dashboard.design_forms import ThemeForm
from app.dashboard.retention_forms import WORKSPACE_RETENTIONS, default_hint, workspace_retention_form
from app.dashboard.workspace_theme import save_workspace_theme, workspace_theme_form
from app.models.base import utcnow


def region_choices():
    """(code, "Indonesia (ID)") for every region, named in the page's language, sorted by name."""
    names = Locale.parse(str(get_locale() or "en")).territories
    labelled = [(code, f"{names.get(code, code)} ({code})") for code in phones.regions()]
    return sorted(labelled, key=lambda choice: choice[1].casefold())


class WorkspaceSettingsForm(TranslatedForm):
    timezone = SelectField(
        lazy_gettext("Time zone"),
        description=lazy_gettext("Every time in the dashboard is shown in this zone; the API stays in UTC."),
    )
    phone_region = SelectField(
        lazy_gettext("Default phone region"),
        description=lazy_gettext(
            "Phone answers written without a country code (0813…) are read as numbers of this region."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [(name, name) for name in timezones.zone_names()]
        self.phone_region.choices = region_choices()


def _render(form, membership, status=200, theme_form=None, retention_form=None):
    workspace = membership.workspace
    return render_template(
        "dashboard/workspace_settings.html", form=form, workspace=workspace,
        may_edit=can_manage(membership), now=utcnow(),
        theme_form=theme_form or workspace_theme_form(workspace),
        retention_form=retention_form or workspace_retention_form(workspace), retention_hint=default_hint,
    ), status


def _settings_form(workspace):
    return WorkspaceSettingsForm(formdata=None, data={
        "timezone": timezones.clean_zone(workspace.timezone),
        "phone_region": phones.region_for(workspace.phone_region),
    })


@bp.route("/settings/workspace", methods=["GET", "POST"])
@login_required
def workspace_settings():
    """Show the workspace's time zone and phone region; owners and admins change them."""
    membership = current_membership()
    if membership is None:
        abort(404)
    workspace = membership.workspace
    form = WorkspaceSettingsForm()
    if not form.is_submitted():
        return _render(_settings_form(workspace), membership)
    if not can_manage(membership):
        abort(403)
    if not form.validate():
        return _render(form, membership, 422)
    workspace.timezone = form.timezone.data
    workspace.phone_region = form.phone_region.data
    db.session.commit()
    flash(_("Workspace settings saved."), "success")
    return redirect(url_for("dashboard.workspace_settings"), code=303)


def _manager_membership():
    """The caller's membership when they may change the workspace's settings (404 without one, else 403)."""
    membership = current_membership()
    if membership is None:
        abort(404)
    if not can_manage(membership):
        abort(403)
    return membership


@bp.route("/settings/workspace/theme", methods=["POST"])
@login_required
def workspace_theme():
    """Owners and admins set (or reset) the theme that forms without their own are shown in."""
    membership = _manager_membership()
    saved, theme_form = save_workspace_theme(membership.workspace, ThemeForm(prefix="theme"))
    if not saved:
        return _render(_settings_form(membership.workspace), membership, 422, theme_form=theme_form)
    db.session.commit()
    flash(_("Default theme saved: forms without a theme of their own use it."), "success")
    return redirect(url_for("dashboard.workspace_settings") + "#default-theme", code=303)


@bp.route("/settings/workspace/retention", methods=["POST"])
@login_required
def workspace_retention():
    """Owners and admins set how many days attempts, finished deliveries and captures are kept."""
    membership = _manager_membership()
    workspace = membership.workspace
    retention_form = workspace_retention_form(workspace, request.form)
    if not retention_form.validate():
        return _render(_settings_form(workspace), membership, 422, retention_form=retention_form)
    for name in WORKSPACE_RETENTIONS:
        setattr(workspace, name, retention_form[name].data)
    db.session.commit()
    flash(_("Retention saved: the next purge keeps data this long."), "success")
    return redirect(url_for("dashboard.workspace_settings") + "#retention", code=303)
