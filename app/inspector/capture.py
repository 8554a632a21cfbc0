"""The capture URLs: /in/<token> records whatever arrives, any method, any path below it."""

from flask import current_app, jsonify, request

from app.core.extensions import csrf, db, limiter
from app.inspector import bp, store

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def _token_key():
    return f"inspector:{request.view_args.get('token', '')}"


@bp.route("/in/<token>", methods=METHODS, defaults={"rest": ""})
@bp.route("/in/<token>/<path:rest>", methods=METHODS)
@csrf.exempt
@limiter.limit("300/minute", key_func=_token_key)
def capture(token, rest):
    """Record the request in the bin behind token and answer 200."""
    capture_bin = store.live_bin_by_token(token)
    if capture_bin is None:
        return jsonify({"error": {"code": "not_found", "message": "no such capture URL (or it expired)"}}), 404
    stored = store.record(
        capture_bin, request.method, request.path, request.query_string.decode("latin-1"),
        list(request.headers.items()), request.get_data(cache=False), request.remote_addr,
        current_app.config["INSPECTOR_MAX_BODY"], current_app.config["INSPECTOR_KEEP_REQUESTS"],
    )
    db.session.commit()
    return jsonify({"ok": True, "captured": stored.id})
