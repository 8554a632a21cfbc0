"""A hosted form's look (theme, description, images) and its closed page."""

from flask import render_template

from app.core.extensions import db
from app.design.page import page_design
from app.design.themes import effective_theme
from app.models import Workspace
from app.services.closing import closed_message


def workspace_theme(workspace_id):
    workspace = db.session.get(Workspace, workspace_id)
    return workspace.theme if workspace is not None else None


def form_theme(form):
    """The theme form is shown in (its own, else its workspace's default, else the built-in one)."""
    return effective_theme(form.theme, None if form.theme else workspace_theme(form.workspace_id))


def design_for(form):
    """The saved design of form, as its hosted pages show it."""
    return page_design(form_theme(form), form.description, form.cover_image_url, form.logo_url)


def render_closed(form, context):
    """The closed page: the owner's message, status 410."""
    return render_template("public/closed.html", message=closed_message(form), **context), 410

