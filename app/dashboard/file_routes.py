"""Uploaded files in the dashboard: downloads (and image thumbnails) for members of the file's workspace."""

from flask import request
from flask_login import login_required

from app.auth.workspaces import current_workspace_id
from app.core.tenancy import get_scoped_or_404
from app.dashboard import bp
from app.files import links
from app.files.serving import send_stored
from app.models import StoredFile


@bp.route("/uploads/<file_id>")
@login_required
def file_download(file_id):
    """Download a file of this workspace; ?thumb=1 lets an image show in the submission page's <img>."""
    row = get_scoped_or_404(StoredFile, file_id, current_workspace_id())
    return send_stored(row, inline_image=request.args.get("thumb") == "1")


@bp.app_template_test("file_answer")
def file_answer(value):
    """{% if value is file_answer %}: the answer of a file field."""
    return links.is_file_answer(value)
