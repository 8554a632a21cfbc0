"""New form from the template gallery: a complete form in one click, then its suggested webhook."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.dashboard import bp
from app.services.form_templates import TEMPLATES, form_from_template, request_language
from app.services.notification_settings import notify_creator


@bp.route("/forms/new/<template_name>", methods=["POST"])
@login_required
def form_from_gallery(template_name):
    """Create a form from a gallery template, with its texts in the dashboard's language."""
    template = TEMPLATES.get(template_name) or abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("The page expired; try again."), "danger")
        return redirect(url_for("dashboard.form_new"))
    form = form_from_template(template, current_workspace_id(), request_language())
    form.notifications = notify_creator(current_user.id)
    db.session.add(form)
    db.session.commit()
    flash(_("Form “%(name)s” created from the template with %(count)d fields. Change anything you like; "
            "the preview shows it as visitors will.", name=form.name, count=len(form.fields)), "success")
    return redirect(url_for("dashboard.form_edit", form_id=form.id))


def suggested_preset(form):
    """The webhook preset the form's template suggests, while the form sends to no webhook yet."""
    template = TEMPLATES.get(form.template or "")
    if template is None or form.webhooks:
        return None
    return template.suggested_preset
