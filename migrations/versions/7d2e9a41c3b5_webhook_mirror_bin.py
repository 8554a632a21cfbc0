"""webhooks: mirror_bin_id, the capture URL that gets a copy of every request sent

Revision ID: 7d2e9a41c3b5
Revises: 7a4e2c9d1b35
Create Date: 2026-12-02 01:20:00

The request inspector used to overwrite a webhook's URL to watch its requests. It now
records a copy of each request in a capture bin while the real URL keeps receiving them;
this column names the bin. Existing webhooks get NULL: nothing is copied until asked.
"""
from alembic import op
import sqlalchemy as sa


revision = '7d2e9a41c3b5'
down_revision = '7a4e2c9d1b35'
branch_labels = None
depends_on = None


FK_NAME = 'fk_webhooks_mirror_bin_id_capture_bins'


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # not batch mode: rebuilding webhooks would drop the old table, and with foreign keys on
        # that cascades to every delivery and attempt. SQLite adds a nullable column with its
        # REFERENCES clause in place.
        op.execute(
            f'ALTER TABLE webhooks ADD COLUMN mirror_bin_id VARCHAR(32) '
            f'CONSTRAINT {FK_NAME} REFERENCES capture_bins (id) ON DELETE SET NULL'
        )
        return
    op.add_column('webhooks', sa.Column('mirror_bin_id', sa.String(length=32), nullable=True))
    op.create_foreign_key(FK_NAME, 'webhooks', 'capture_bins', ['mirror_bin_id'], ['id'], ondelete='SET NULL')


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE webhooks DROP COLUMN mirror_bin_id')  # SQLite 3.35+; keeps the rows
        return
    op.drop_constraint(FK_NAME, 'webhooks', type_='foreignkey')
    op.drop_column('webhooks', 'mirror_bin_id')
