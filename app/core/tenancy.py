"""Every tenant-owned query goes through here, scoped to one workspace."""

from flask import abort

from app.core.extensions import db


def scoped(model, workspace_id):
    """A select of model rows that belong to workspace_id."""
    return db.select(model).where(model.workspace_id == workspace_id)


def get_scoped_or_404(model, object_id, workspace_id):
    """Return the row, or 404 when it is missing or in another workspace."""
    row = db.session.scalar(scoped(model, workspace_id).where(model.id == object_id))
    if row is None:
        abort(404)
    return row
