"""The operator surface: /healthz, /metrics and RQ's dashboard under /ops/rq."""

import hmac
import ipaddress
import time
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from app.core import queue
from app.core.extensions import csrf, db
from app.observability.heartbeat import live_workers
from app.observability.metrics import render_metrics

bp = Blueprint("ops", __name__)
RQ_DASHBOARD_PREFIX = "/ops/rq"


def _check(probe):
    started = time.monotonic()
    try:
        detail = probe()
        return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1), **(detail or {})}
    except Exception as exc:  # any failure of a dependency is the answer, not a crash
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _database():
    db.session.execute(text("SELECT 1"))


def _redis():
    current_app.redis.ping()


def _worker():
    workers = live_workers(current_app.redis)
    if not workers:
        raise RuntimeError("no worker heartbeat in the last 35 s")
    return {"workers": len(workers)}


@bp.route("/healthz")
def healthz():
    """200 when the database, Redis and at least one worker answer; 503 naming what is down."""
    checks = {"database": _check(_database), "redis": _check(_redis)}
    checks["worker"] = _check(_worker) if checks["redis"]["ok"] else {"ok": False, "error": "Redis is down"}
    db.session.rollback()
    healthy = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ok" if healthy else "unavailable", "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/metrics")
def metrics():
    """Prometheus text format; needs `Authorization: Bearer $METRICS_TOKEN` when that is set.

    Its totals span every workspace, so a site served beyond this machine answers only with a token.
    """
    token = current_app.config.get("METRICS_TOKEN")
    if not token and not is_local_address(current_app.config["BASE_URL"]):
        abort(403, _("Set METRICS_TOKEN to read /metrics: BASE_URL is not a local address."))
    if token and not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
        abort(401)
    return Response(render_metrics(current_app._get_current_object()),
                    mimetype="text/plain; version=0.0.4; charset=utf-8")


def is_local_address(url):
    """Whether url's host is this machine (localhost, 127.0.0.0/8, ::1)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_operator(user):
    operators = current_app.config.get("OPERATOR_EMAILS") or []
    return bool(user and user.is_authenticated and user.email.lower() in operators)


def mount_rq_dashboard(app):
    """RQ's dashboard for operators only; everyone else gets a 404, as if it were not there."""
    dashboard = queue.mount_dashboard(app, RQ_DASHBOARD_PREFIX)
    # its pages post with their own JavaScript; the operator check and SameSite=Lax cookies guard them
    csrf.exempt(dashboard)

    @app.before_request
    def operators_only():
        if request.blueprint == dashboard.name and not is_operator(current_user):
            abort(404)
