"""webhooks: a name (existing ones get their URL's host); deliveries: retry_requested

Revision ID: 7d3e9a1c5b20
Revises: 01b546e0018a
Create Date: 2026-12-02 01:20:00

Webhooks get a name to be listed by. URLs are encrypted at rest, so the upgrade reads each
one through the app's key ring (Flask-Migrate runs inside the app) and names the webhook
after its host. Deliveries get retry_requested: a retry asked for while an attempt is in
flight is remembered in the row and sent right after that attempt is recorded.
"""
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

from app.crypto import decrypt

revision = '7d3e9a1c5b20'
down_revision = '01b546e0018a'
branch_labels = None
depends_on = None


def _host(url):
    try:
        return (urlsplit(url).hostname or 'Webhook')[:100]
    except ValueError:
        return 'Webhook'


def upgrade():
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.text('SELECT id, url FROM webhooks')).all()
    for webhook_id, stored_url in rows:
        connection.execute(
            sa.text('UPDATE webhooks SET name = :name WHERE id = :id'),
            {'name': _host(decrypt(stored_url)), 'id': webhook_id},
        )
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=100), nullable=False)
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retry_requested', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('retry_requested')
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.drop_column('name')
