"""`flask secrets rotate`: re-encrypt every stored secret with the first key of SECRETS_KEYS."""

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from app.core.extensions import db
from app.models import IdempotencyKey, Webhook

secrets_cli = AppGroup("secrets", help="Manage the encryption of secrets at rest.")
BATCH = 500


# every model with encrypted columns, and those columns
ENCRYPTED = ((Webhook, Webhook.ENCRYPTED_COLUMNS), (IdempotencyKey, ("response_body",)))


def reencrypt(model, columns):
    """Rewrite columns of every model row so they are sealed with the current first key; return the row count."""
    ids = db.session.scalars(select(model.id).order_by(model.id)).all()
    for start in range(0, len(ids), BATCH):
        for row in db.session.scalars(select(model).where(model.id.in_(ids[start:start + BATCH]))):
            for column in columns:
                flag_modified(row, column)
        db.session.commit()
    return len(ids)


def reencrypt_all():
    """Re-encrypt every encrypted column of every model; return {table name: row count}."""
    return {model.__tablename__: reencrypt(model, columns) for model, columns in ENCRYPTED}


@secrets_cli.command("rotate")
def rotate_command():
    """Re-encrypt every webhook's URL, headers and secrets, and remembered API answers, with the first key."""
    counts = reencrypt_all()
    click.echo(f"re-encrypted {counts['webhooks']} webhook(s) and {counts['idempotency_keys']} remembered "
               "API answer(s) with the first key; older keys can now be removed")
