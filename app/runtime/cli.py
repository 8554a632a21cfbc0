"""`flask user …`, `flask apikey …` and `flask worker` (CONTRACT.md §1)."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from app.auth.emails import EmailRefused, normalize_email
from app.auth.passwords import password_problem
from app.auth.workspaces import create_user
from app.core.extensions import db
from app.models import ApiKey, Membership, User, Workspace

user_cli = AppGroup("user", help="Manage users.")
apikey_cli = AppGroup("apikey", help="Manage API keys.")


def _account_email(text):
    """The address as the log-in form would take it, or a usage error saying why not."""
    try:
        return normalize_email(text)
    except EmailRefused as exc:
        raise click.ClickException(f"email refused: {exc}") from None


@user_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--workspace", "workspace_name", default=None, help="Join (or create) this workspace.")
def user_create(email, password, workspace_name):
    """Create a user and a workspace (or add the user to it)."""
    email = _account_email(email)
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"a user with email {email} already exists")
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    user, workspace = create_user(email, password, workspace_name)
    db.session.commit()
    click.echo(f"created user {user.email} in workspace {workspace.name!r} ({workspace.id})")


@apikey_cli.command("create")
@click.option("--email", required=True)
@click.option("--workspace", "workspace_name", default=None)
@click.option("--name", default="cli")
def apikey_create(email, workspace_name, name):
    """Create an API key for the user's workspace; the key is the last line printed."""
    user = db.session.scalar(select(User).where(User.email == _account_email(email)))
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    query = select(Membership).where(Membership.user_id == user.id)
    if workspace_name:
        query = query.join(Workspace).where(Workspace.name == workspace_name)
    membership = db.session.scalars(query.order_by(Membership.created_at)).first()
    if membership is None:
        raise click.ClickException("that user is not a member of that workspace")
    key, plaintext = ApiKey.generate(membership.workspace_id, user.id, name)
    db.session.add(key)
    db.session.commit()
    click.echo(f"API key {name!r} for workspace {membership.workspace_id} (shown once):")
    click.echo(plaintext)


@click.command("worker")
@click.option("--concurrency", type=int, default=None, help="Deliveries in flight (default WORKER_CONCURRENCY).")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(concurrency, burst):
    """Run the delivery worker (RQ) with its scheduler and sweep.

    With REDIS_URL unset it works on this instance's embedded Valkey: the one `make run`
    started while it runs, else one of its own that stops with the worker.
    """
    from app.runtime.worker import run_worker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_EMBEDDED"):
        run_worker(app, concurrency=concurrency, burst=burst)
        return
    from app.core import queue
    from app.runtime import embedded_redis

    with embedded_redis.serving(app.config["INSTANCE_PATH"]) as url:
        click.echo(f"embedded Valkey server at {url}", err=True)
        app.config["REDIS_URL"] = url
        queue.init_app(app)
        run_worker(app, concurrency=concurrency, burst=burst)


def register_commands(app):
    app.cli.add_command(user_cli)
    app.cli.add_command(apikey_cli)
    app.cli.add_command(worker_command)
    from app.runtime.secrets_cli import secrets_cli

    app.cli.add_command(secrets_cli)
