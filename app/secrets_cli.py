"""`flask secrets rotate`: re-encrypt every stored secret with the first key of SECRETS_KEYS."""

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app.extensions import db
from app.models import Webhook

secrets_cli = AppGroup("secrets", help="Manage the encryption of secrets at rest.")
BATCH = 500


def reencrypt_all():
    """Rewrite every encrypted column so it is sealed with the current first key; return the row count."""
    ids = db.session.scalars(select(Webhook.id).order_by(Webhook.id)).all()
    for start in range(0, len(ids), BATCH):
        for webhook in db.session.scalars(select(Webhook).where(Webhook.id.in_(ids[start:start + BATCH]))):
            for column in Webhook.ENCRYPTED_COLUMNS:
                flag_modified(webhook, column)
        db.session.commit()
    return len(ids)


@secrets_cli.command("rotate")
def rotate_command():
    """Re-encrypt every webhook's URL, headers and secrets with the first SECRETS_KEYS key."""
    count = reencrypt_all()
    click.echo(f"re-encrypted {count} webhook(s) with the first key; older keys can now be removed")
