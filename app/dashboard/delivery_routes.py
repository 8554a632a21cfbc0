"""The delivery log: every delivery and attempt, replay, cancel, copy as cURL, health and audit."""

from datetime import UTC, datetime, timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select, union_all
from sqlalchemy.orm import selectinload

from app.auth.workspaces import current_workspace_id
from app.core import timezones
from app.core.extensions import db
from app.core.forms import ConfirmForm
from app.core.tenancy import get_scoped_or_404, scoped
from app.dashboard import bp
from app.dashboard.time_filters import local_bound, within
from app.models import Attempt, Delivery, Form, Submission, Webhook
from app.models.webhooks import DELIVERY_STATUSES
from app.observability import health
from app.observability.chart import hourly_chart
from app.observability.curl import curl_command, has_masked_values, resigned_curl_command
from app.observability.delivery_forms import EnableWebhookForm, ResendFailedForm
from app.services import audit, replay
from app.services.deliveries import DeliveryActionRefused, retry_now
from app.services.webhooks import set_webhook_enabled

PAGE_SIZE = 100


def _parse_time(value):
    """An ISO-8601 value kept in an audit event as UTC, or None when empty or malformed."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _filtered(query, args):
    status = args.get("status", "")
    if status and status not in DELIVERY_STATUSES:
        abort(400, description=f"status: must be one of {', '.join(DELIVERY_STATUSES)}")
    if status:
        query = query.where(Delivery.status == status)
    since = local_bound(args, "since", _("From"))
    until = local_bound(args, "until", _("To"), end=True)
    query = within(query, Delivery.created_at, since, until)
    if args.get("before"):
        query = query.where(Delivery.id < args["before"])
    return query


def _page(query):
    rows = db.session.scalars(query.order_by(Delivery.id.desc()).limit(PAGE_SIZE + 1)).all()
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None)


def _page_across(queries):
    """One page newest first over several webhooks' queries: the newest of each (one index range apiece), merged.

    A single `webhook_id IN (…) ORDER BY id` would read every delivery of those webhooks to sort them.
    """
    newest = [query.with_only_columns(Delivery.id).order_by(Delivery.id.desc()).limit(PAGE_SIZE + 1).subquery()
              for query in queries]
    merged = union_all(*(select(part.c.id) for part in newest)).subquery()
    ids = db.session.scalars(select(merged.c.id).order_by(merged.c.id.desc()).limit(PAGE_SIZE + 1)).all()
    return _page(select(Delivery).where(Delivery.id.in_(ids)).options(selectinload(Delivery.webhook)))


def _webhook_or_404(webhook_id):
    return get_scoped_or_404(Webhook, webhook_id, current_workspace_id())


@bp.route("/forms/<form_id>/deliveries")
@login_required
def form_deliveries(form_id):
    """Every delivery of the form's webhooks, newest first; pick one webhook and a status to narrow it."""
    form = get_scoped_or_404(Form, form_id, current_workspace_id())
    webhooks = db.session.scalars(
        scoped(Webhook, form.workspace_id).where(Webhook.form_id == form.id).order_by(Webhook.created_at)
    ).all()
    if not webhooks:
        flash(_("This form has no webhook yet. Add its URL first."), "info")
        return redirect(url_for("dashboard.webhook_settings", form_id=form.id))
    picked = None
    if request.args.get("webhook"):
        picked = next((webhook for webhook in webhooks if webhook.id == request.args["webhook"]), None)
        if picked is None:
            abort(404)
    webhook_ids = [picked.id] if picked else [webhook.id for webhook in webhooks]
    deliveries, next_before = _page_across(
        _filtered(scoped(Delivery, form.workspace_id).where(Delivery.webhook_id == webhook_id), request.args)
        for webhook_id in webhook_ids
    )
    return render_template(
        "observability/form_deliveries.html", form=form, webhooks=webhooks, picked=picked, deliveries=deliveries,
        statuses=DELIVERY_STATUSES, args=request.args,
        older_url=url_for(
            "dashboard.form_deliveries", form_id=form.id, **{**request.args.to_dict(), "before": next_before}
        ) if next_before else None,
    )


@bp.route("/webhooks/<webhook_id>/deliveries")
@login_required
def webhook_deliveries(webhook_id):
    """List a webhook's deliveries, newest first, filtered by status and time."""
    webhook = _webhook_or_404(webhook_id)
    query = _filtered(scoped(Delivery, webhook.workspace_id).where(Delivery.webhook_id == webhook.id), request.args)
    deliveries, next_before = _page(query)
    disabled_event = None if webhook.enabled else audit.last_event(webhook.id, "disabled")
    backlog_since = _backlog_since(webhook, disabled_event)
    return render_template(
        "observability/webhook_deliveries.html", webhook=webhook, form=webhook.form, deliveries=deliveries,
        older_url=url_for(
            "dashboard.webhook_deliveries", webhook_id=webhook.id, **{**request.args.to_dict(), "before": next_before}
        ) if next_before else None,
        statuses=DELIVERY_STATUSES, args=request.args, confirm=ConfirmForm(),
        resend_form=ResendFailedForm(formdata=None, since=_default_since()),
        enable_form=EnableWebhookForm(formdata=None), disabled_event=disabled_event,
        backlog=replay.backlog_size(webhook, backlog_since) if not webhook.enabled else 0,
    )


def _default_since():
    """A day ago, as the workspace's wall clock reads it (the box is in local time)."""
    local = timezones.to_local(datetime.now(UTC) - timedelta(days=1), timezones.current_zone())
    return local.replace(second=0, microsecond=0, tzinfo=None)


def _backlog_since(webhook, disabled_event):
    """Where the missed work starts: the failure streak before the disable, else the disable itself."""
    if disabled_event is None:
        return datetime.now(UTC) - timedelta(seconds=current_app.config["WEBHOOK_DISABLE_AFTER"])
    failing_since = _parse_time((disabled_event.changes.get("failing_since") or {}).get("to"))
    return min(failing_since or disabled_event.at, disabled_event.at)


@bp.route("/submissions/<submission_id>/deliveries")
@login_required
def submission_deliveries(submission_id):
    """Every delivery of one submission, to every webhook."""
    submission = get_scoped_or_404(Submission, submission_id, current_workspace_id())
    deliveries = db.session.scalars(
        scoped(Delivery, submission.workspace_id).where(Delivery.submission_id == submission.id)
        .order_by(Delivery.id.desc())
    ).all()
    return render_template(
        "observability/submission_deliveries.html", submission=submission, form=submission.form,
        deliveries=deliveries,
    )


@bp.route("/deliveries/<delivery_id>")
@login_required
def delivery_detail(delivery_id):
    """One delivery: every attempt's exact request and response, and why it failed."""
    delivery = get_scoped_or_404(Delivery, delivery_id, current_workspace_id())
    return render_template(
        "observability/delivery_detail.html", delivery=delivery, webhook=delivery.webhook,
        form=delivery.webhook.form, attempts=list(reversed(delivery.attempts)), confirm=ConfirmForm(),
        has_masked_values=has_masked_values,
    )


def _attempt_or_404(delivery_id, attempt_id):
    """The workspace's delivery and one of its attempts, or 404."""
    delivery = get_scoped_or_404(Delivery, delivery_id, current_workspace_id())
    attempt = db.session.scalar(select(Attempt).where(Attempt.id == attempt_id, Attempt.delivery_id == delivery.id))
    if attempt is None:
        abort(404)
    return delivery, attempt


def _curl_response(command):
    response = Response(command + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/deliveries/<delivery_id>/attempts/<attempt_id>/curl")
@login_required
def attempt_curl(delivery_id, attempt_id):
    """The attempt as a cURL command as recorded: masked values stay masked."""
    delivery, attempt = _attempt_or_404(delivery_id, attempt_id)
    return _curl_response(curl_command(attempt, delivery.webhook, delivery))


@bp.route("/deliveries/<delivery_id>/attempts/<attempt_id>/curl/reveal", methods=["POST"])
@login_required
def attempt_curl_reveal(delivery_id, attempt_id):
    """The attempt as a cURL command with the real values of what the record masks (an explicit reveal)."""
    delivery, attempt = _attempt_or_404(delivery_id, attempt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _curl_response(curl_command(attempt, delivery.webhook, delivery, reveal=True))


@bp.route("/deliveries/<delivery_id>/attempts/<attempt_id>/curl-resigned")
@login_required
def attempt_curl_resigned(delivery_id, attempt_id):
    """The attempt as a cURL command signed now with the webhook's current secret; masked values stay masked."""
    delivery, attempt = _attempt_or_404(delivery_id, attempt_id)
    return _curl_response(resigned_curl_command(attempt, delivery.webhook, delivery))


@bp.route("/deliveries/<delivery_id>/attempts/<attempt_id>/body")
@login_required
def attempt_body(delivery_id, attempt_id):
    """The exact body the attempt sent."""
    delivery, attempt = _attempt_or_404(delivery_id, attempt_id)
    return Response(attempt.request.get("body") or "", mimetype="text/plain")


@bp.route("/deliveries/<delivery_id>/resend", methods=["POST"])
@login_required
def delivery_resend(delivery_id):
    """Send the delivery again now, with the same webhook-id."""
    delivery = get_scoped_or_404(Delivery, delivery_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        in_flight = retry_now(delivery) == "after_attempt"
        db.session.commit()
        if in_flight:
            flash(_("An attempt is being sent right now: it is resent with the same webhook-id as soon as that "
                    "attempt is recorded. This page shows both."), "success")
        else:
            flash(_("Resending now with the same webhook-id. This page shows the new attempt when it is made."),
                  "success")
    except DeliveryActionRefused as exc:
        flash(_("Not resent: %(reason)s.", reason=exc), "warning")
    return redirect(url_for("dashboard.delivery_detail", delivery_id=delivery.id))


@bp.route("/deliveries/<delivery_id>/cancel", methods=["POST"])
@login_required
def delivery_cancel(delivery_id):
    """Cancel the pending retry of a delivery."""
    delivery = get_scoped_or_404(Delivery, delivery_id, current_workspace_id())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        replay.cancel_retry(delivery, current_user.email)
        db.session.commit()
        flash(_("Retry cancelled."), "info")
    except replay.ReplayRefused as exc:
        flash(_("Nothing cancelled: %(reason)s.", reason=exc), "warning")
    return redirect(url_for("dashboard.delivery_detail", delivery_id=delivery.id))


@bp.route("/webhooks/<webhook_id>/resend-failed", methods=["POST"])
@login_required
def webhook_resend_failed(webhook_id):
    """Resend every failed delivery since a time."""
    webhook = _webhook_or_404(webhook_id)
    resend_form = ResendFailedForm()
    if not resend_form.validate_on_submit():
        flash(_("Pick the time to resend failed deliveries from."), "warning")
    else:
        try:
            since = timezones.to_utc(resend_form.since.data, timezones.current_zone())
            count = replay.resend_failed_since(webhook, since)
            db.session.commit()
            flash(ngettext("Resending %(num)d failed delivery.", "Resending %(num)d failed deliveries.", count),
                  "success")
        except replay.ReplayRefused as exc:
            flash(_("Not resent: %(reason)s.", reason=exc), "warning")
    return redirect(url_for("dashboard.webhook_deliveries", webhook_id=webhook.id))


@bp.route("/webhooks/<webhook_id>/enable", methods=["POST"])
@login_required
def webhook_enable(webhook_id):
    """Enable a disabled webhook, and on request resend what it missed."""
    webhook = _webhook_or_404(webhook_id)
    enable_form = EnableWebhookForm()
    if not enable_form.validate_on_submit():
        abort(400)
    if webhook.enabled:
        flash(_("The webhook is already enabled."), "info")
        return redirect(url_for("dashboard.webhook_deliveries", webhook_id=webhook.id))
    since = _backlog_since(webhook, audit.last_event(webhook.id, "disabled"))
    set_webhook_enabled(webhook, True, user=current_user)
    message = _("Webhook enabled.")
    if enable_form.resend_backlog.data:
        count = replay.resend_backlog(webhook, since)
        message += " " + ngettext("Resending %(num)d missed delivery.", "Resending %(num)d missed deliveries.", count)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("dashboard.webhook_deliveries", webhook_id=webhook.id))


@bp.route("/webhooks/<webhook_id>/health")
@login_required
def webhook_health(webhook_id):
    """Success rate, latency, volume and the failure streak of one endpoint."""
    webhook = _webhook_or_404(webhook_id)
    stats = health.endpoint_health(webhook.id)
    return render_template(
        "observability/webhook_health.html", webhook=webhook, form=webhook.form, health=stats,
        chart=hourly_chart(stats.hourly, timezones.current_zone()),
    )


@bp.route("/webhooks/<webhook_id>/audit")
@login_required
def webhook_audit(webhook_id):
    """Who changed the webhook's URL, secret, headers or state, and when."""
    webhook = _webhook_or_404(webhook_id)
    return render_template(
        "observability/webhook_audit.html", webhook=webhook, form=webhook.form,
        events=audit.webhook_events(webhook.id, webhook.workspace_id),
    )
