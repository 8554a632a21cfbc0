"""Revealing a webhook's signing secret: an explicit, CSRF-checked action, never the default view."""

from flask import abort, current_app, render_template
from flask_login import login_required

from app.auth.workspaces import current_workspace_id
from app.dashboard import bp
from app.dashboard.forms import ConfirmForm, WebhookUrlForm
from app.models import Form, Webhook
from app.tenancy import get_scoped_or_404


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/reveal-secret", methods=["POST"])
@login_required
def webhook_reveal_secret(form_id, webhook_id):
    """Show the webhook settings page once with the signing secret in clear."""
    workspace_id = current_workspace_id()
    form = get_scoped_or_404(Form, form_id, workspace_id)
    webhook = get_scoped_or_404(Webhook, webhook_id, workspace_id)
    if webhook.form_id != form.id or not ConfirmForm().validate_on_submit():
        abort(404)
    current_app.logger.info("signing secret of %s revealed", webhook.id)
    return render_template(
        "dashboard/webhook_settings.html", form=form, webhook=webhook,
        url_form=WebhookUrlForm(obj=webhook, formdata=None), revealed_secret=webhook.secret,
    )
