"""The webhook editor's JSON endpoints and buttons: live preview, secret, rotate, test event."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.workspaces import current_workspace_id
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404
from app.core.timezones import localtime_filter
from app.dashboard import bp
from app.dashboard.listen_panel import listen_panel
from app.dashboard.webhook_editor import preview, read_editor
from app.dashboard.webhook_routes import form_or_404, webhook_or_404
from app.models import Delivery
from app.observability.explain import delivery_outcome
from app.services import deliveries
from app.services.webhooks import rotate_webhook_secret

FINISHED = ("succeeded", "failed", "skipped")


def _require_token():
    """Every button here changes or reveals something: it needs the CSRF token."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/listen-status")
@login_required
def webhook_listen_status(form_id, webhook_id):
    """The "Test on your machine" status, rendered now: the editor refreshes it while it is open."""
    webhook = webhook_or_404(form_or_404(form_id), webhook_id)
    return render_template("dashboard/_listen_status.html", webhook=webhook, listen=listen_panel(webhook))


@bp.route("/forms/<form_id>/webhooks/preview", methods=["POST"])
@login_required
def webhook_preview(form_id):
    """Render the editor's current settings against the latest submission; JSON for the live preview."""
    form = form_or_404(form_id)
    _require_token()
    webhook_id = request.form.get("webhook_id")
    secret = webhook_or_404(form, webhook_id).secret if webhook_id else None
    result = preview(form, read_editor(request.form).data, secret)
    # a template that cannot be rendered is the editor's input refused: 422, the problems in the body
    return jsonify(result), 422 if result["errors"] else 200


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/secret", methods=["POST"])
@login_required
def webhook_secret(form_id, webhook_id):
    """Reveal the signing secret (and the old one while it still signs)."""
    webhook = webhook_or_404(form_or_404(form_id), webhook_id)
    _require_token()
    active = webhook.signing_secrets()
    return jsonify({
        "secret": webhook.secret,
        "previous_secret": active[1] if len(active) > 1 else None,
        "previous_secret_expires_at": webhook.previous_secret_expires_at.isoformat() if len(active) > 1 else None,
    })


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/url", methods=["POST"])
@login_required
def webhook_url(form_id, webhook_id):
    """Reveal the webhook's URL with its tokens, for the editor's Reveal button."""
    webhook = webhook_or_404(form_or_404(form_id), webhook_id)
    _require_token()
    return jsonify({"url": webhook.url})


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/rotate-secret", methods=["POST"])
@login_required
def webhook_rotate_secret(form_id, webhook_id):
    """Replace the signing secret; the old one keeps signing for 24 hours."""
    form = form_or_404(form_id)
    webhook = webhook_or_404(form, webhook_id)
    _require_token()
    rotate_webhook_secret(webhook, user=current_user)
    db.session.commit()
    flash(_(
        "New signing secret created. The old one keeps signing alongside it until %(time)s, so update your "
        "receiver before then.", time=localtime_filter(webhook.previous_secret_expires_at),
    ), "success")
    return redirect(url_for("dashboard.webhook_edit", form_id=form.id, webhook_id=webhook.id) + "#secret")


@bp.route("/forms/<form_id>/webhooks/<webhook_id>/test", methods=["POST"])
@login_required
def webhook_test(form_id, webhook_id):
    """Queue a webhook.test event now; JSON callers poll its status, others get a flash."""
    form = form_or_404(form_id)
    webhook = webhook_or_404(form, webhook_id)
    _require_token()
    delivery = deliveries.send_test_event(webhook)
    db.session.commit()
    status_url = url_for("dashboard.delivery_status", form_id=form.id, delivery_id=delivery.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"delivery_id": delivery.id, "status_url": status_url, **_status_of(delivery)}), 202
    flash(_("Test event %(id)s queued; its result appears in the delivery log.", id=delivery.id), "info")
    return redirect(url_for("dashboard.webhook_edit", form_id=form.id, webhook_id=webhook.id))


def _status_of(delivery):
    explained = delivery_outcome(delivery)
    return {
        "status": delivery.status, "done": delivery.status in FINISHED,
        "attempt_count": delivery.attempt_count, "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error, "explanation": explained.text if explained else None,
        "delivery_url": url_for("dashboard.delivery_detail", delivery_id=delivery.id),
    }


@bp.route("/forms/<form_id>/deliveries/<delivery_id>/status")
@login_required
def delivery_status(form_id, delivery_id):
    """A delivery's status, for the test button's poll."""
    form = form_or_404(form_id)
    delivery = get_scoped_or_404(Delivery, delivery_id, current_workspace_id())
    webhook_or_404(form, delivery.webhook_id)
    return jsonify({"delivery_id": delivery.id, **_status_of(delivery)})
