"""webhooks: a name (existing ones get their URL's host); deliveries: retry_requested

Revision ID: 7d3e9a1c5b20
Revises: 7a1c5e9b2d40
Create Date: 2026-12-02 01:20:00

Webhooks get a name to be listed by. URLs are encrypted at rest, so the upgrade reads each
one through the app's key ring (Flask-Migrate runs inside the app) and names the webhook
after its host. Deliveries get retry_requested: a retry asked for while an attempt is in
flight is remembered in the row and sent right after that attempt is recorded.
"""
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

from app.core.crypto import decrypt

revision = '7d3e9a1c5b20'
down_revision = '7a1c5e9b2d40'
branch_labels = None
depends_on = None


def _host(url):
    try:
        return (urlsplit(url).hostname or 'Webhook')[:100]
    except ValueError:
        return 'Webhook'


def upgrade():
    # plain ADD COLUMNs, never a batch table copy: on SQLite dropping the old webhooks table
    # would cascade to every delivery. The empty default only fills the column until named below.
    op.add_column('webhooks', sa.Column('name', sa.String(length=100), server_default='', nullable=False))
    connection = op.get_bind()
    rows = connection.execute(sa.text('SELECT id, url FROM webhooks')).all()
    for webhook_id, stored_url in rows:
        connection.execute(
            sa.text('UPDATE webhooks SET name = :name WHERE id = :id'),
            {'name': _host(decrypt(stored_url)), 'id': webhook_id},
        )
    op.add_column('deliveries', sa.Column('retry_requested', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('deliveries', 'retry_requested')
    op.drop_column('webhooks', 'name')
