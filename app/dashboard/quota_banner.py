"""The dashboard's quota warning, on every dashboard page."""

from flask_login import current_user

from app.auth.workspaces import current_membership
from app.dashboard import bp
from app.services.quotas import quota_banner


@bp.context_processor
def inject_quota_banner():
    if not current_user.is_authenticated:
        return {}
    membership = current_membership()
    return {"quota_banner": quota_banner(membership.workspace_id) if membership else None}
