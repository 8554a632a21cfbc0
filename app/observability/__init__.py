"""Seeing deliveries, endpoint health, auto-disable notices, audit trail and the operator surface."""


def init_app(app):
    """Register /healthz, /metrics, /ops/rq, request ids and the page helpers."""
    from app.observability import pages
    from app.observability.logs import init_request_ids
    from app.observability.ops import bp as ops_bp
    from app.observability.ops import mount_rq_dashboard

    init_request_ids(app)
    app.register_blueprint(ops_bp)
    mount_rq_dashboard(app)
    pages.register(app)
