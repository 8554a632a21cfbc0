"""idempotency_keys.response_body encrypted; credentials masked in audit_events.changes

Revision ID: 01b546e0018a
Revises: 3b7c1d2e4f60
Create Date: 2026-12-02 01:30:00

A remembered answer to an idempotent POST can hold a webhook's signing secret, its header
values and its URL with tokens; it was stored as plain JSON. It becomes one Fernet token (the
app's SECRETS_KEYS, like the webhook columns). Existing rows still inside the 24-hour window
are encrypted, not dropped: a client retrying with its key must get the same answer, not a
second webhook. Rows past the window are deleted: the app would delete them at the next request
with a key anyway, and they would only keep secrets around.

The audit trail stored webhook URLs, body templates and non-credential-named header values as
typed; credentials in them (URL tokens and passwords, bearer tokens, keys) are masked in the
existing rows too, as the app now masks them when it writes a row. Masking cannot be undone:
the downgrade leaves the trail masked (the webhooks themselves keep their real settings).
"""
import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from app.core import crypto
from app.core.redaction import mask_headers, redact

revision = '01b546e0018a'
down_revision = '3b7c1d2e4f60'
branch_labels = None
depends_on = None

IDEMPOTENCY_WINDOW = timedelta(hours=24)  # app.models.idempotency, as of this revision
MASKED_TEXT_FIELDS = ("url", "body_template")


def _idempotency(body_type):
    return sa.table(
        'idempotency_keys', sa.column('id', sa.String), sa.column('response_body', body_type),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )


def _aware(moment):
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _alter_body_type(old_type, new_type, cast):
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.alter_column('response_body', existing_type=old_type, type_=new_type,
                              existing_nullable=True, postgresql_using=f'response_body::{cast}')


def upgrade():
    connection = op.get_bind()
    plain = _idempotency(sa.JSON())
    cutoff = datetime.now(UTC) - IDEMPOTENCY_WINDOW
    kept = {}
    for row in connection.execute(sa.select(plain.c.id, plain.c.response_body, plain.c.created_at)).all():
        if _aware(row.created_at) < cutoff:
            connection.execute(plain.delete().where(plain.c.id == row.id))
        else:
            kept[row.id] = row.response_body
    _alter_body_type(sa.JSON(), sa.Text(), 'text')
    sealed = _idempotency(sa.Text())
    for row_id, body in kept.items():
        value = None if body is None else crypto.encrypt(json.dumps(body, sort_keys=True))
        connection.execute(sealed.update().where(sealed.c.id == row_id).values(response_body=value))
    _mask_audit_trail(connection)


def _masked(name, change):
    if name == "headers":
        masked = {"from": mask_headers(change.get("from") or {}), "to": mask_headers(change.get("to") or {})}
    else:
        masked = {"from": redact(change.get("from")), "to": redact(change.get("to"))}
    return {**change, **masked}


def _mask_audit_trail(connection):
    events = sa.table('audit_events', sa.column('id', sa.String), sa.column('changes', sa.JSON()))
    for row in connection.execute(sa.select(events.c.id, events.c.changes)).all():
        changes = dict(row.changes or {})
        for name in ("headers", *MASKED_TEXT_FIELDS):
            if isinstance(changes.get(name), dict):
                changes[name] = _masked(name, changes[name])
        if changes != row.changes:
            connection.execute(events.update().where(events.c.id == row.id).values(changes=changes))


def downgrade():
    connection = op.get_bind()
    sealed = _idempotency(sa.Text())
    bodies = {row.id: row.response_body for row in connection.execute(sa.select(sealed.c.id, sealed.c.response_body))}
    # a Fernet token is not JSON: empty the column before PostgreSQL casts it, then write the plain answers
    connection.execute(sealed.update().values(response_body=None))
    _alter_body_type(sa.Text(), sa.JSON(), 'json')
    plain = _idempotency(sa.JSON())
    for row_id, token in bodies.items():
        value = None if token is None else json.loads(crypto.decrypt(token))
        connection.execute(plain.update().where(plain.c.id == row_id).values(response_body=value))
