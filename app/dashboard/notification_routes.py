"""A form's Notifications tab: who is mailed about each submission, and the respondent's confirmation."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.tenancy import get_scoped_or_404
from app.dashboard import bp
from app.dashboard.notification_forms import NotificationSettingsForm
from app.models import Form
from app.services.notification_settings import ALL_ANSWERS, SettingsRefused, clean_settings, settings_of


@bp.route("/forms/<form_id>/notifications", methods=["GET", "POST"])
@login_required
def form_notifications(form_id):
    """Show and save a form's mail settings."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    settings_form = NotificationSettingsForm.for_settings(settings_of(form)).offer(form)
    if settings_form.validate_on_submit():
        try:
            clean, warnings = clean_settings(form, settings_form.settings_data())
        except SettingsRefused as refused:
            settings_form.show_refusal(refused.fields)
        else:
            form.notifications = clean
            db.session.commit()
            flash(_("Notification settings saved."), "success")
            for warning in warnings:
                flash(warning, "warning")
            return redirect(url_for("dashboard.form_notifications", form_id=form.id), code=303)
    status = 422 if settings_form.is_submitted() else 200
    return render_template(
        "dashboard/form_notifications.html", form=form, settings_form=settings_form,
        field_keys=form.field_keys(), all_answers=ALL_ANSWERS,
    ), status
