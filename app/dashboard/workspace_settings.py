"""Settings → Workspace: the time zone the dashboard speaks and the default phone region."""

from babel import Locale
from flask import abort, flash, redirect, render_template, url_for
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


def _render(form, membership, status=200):
    return render_template(
        "dashboard/workspace_settings.html", form=form, workspace=membership.workspace,
        may_edit=can_manage(membership), now=utcnow(),
    ), status


@bp.route("/settings/workspace", methods=["GET", "POST"])
@login_required
def workspace_settings():
    """Show the workspace's time zone and phone region; owners and admins change them."""
    membership = current_membership()
    if membership is None:
        abort(404)
    workspace = membership.workspace
    form = WorkspaceSettingsForm(data={
        "timezone": timezones.clean_zone(workspace.timezone),
        "phone_region": phones.region_for(workspace.phone_region),
    })
    if not form.is_submitted():
        return _render(form, membership)
    if not can_manage(membership):
        abort(403)
    if not form.validate():
        return _render(form, membership, 422)
    workspace.timezone = form.timezone.data
    workspace.phone_region = form.phone_region.data
    db.session.commit()
    flash(_("Workspace settings saved."), "success")
    return redirect(url_for("dashboard.workspace_settings"), code=303)
