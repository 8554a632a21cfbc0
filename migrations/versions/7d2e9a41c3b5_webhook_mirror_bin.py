"""webhooks: mirror_bin_id, the capture URL that gets a copy of every request sent

Revision ID: 7d2e9a41c3b5
Revises: 3b7c1d2e4f60
Create Date: 2026-12-02 01:20:00

The request inspector used to overwrite a webhook's URL to watch its requests. It now
records a copy of each request in a capture bin while the real URL keeps receiving them;
this column names the bin. Existing webhooks get NULL: nothing is copied until asked.
"""
from alembic import op
import sqlalchemy as sa


revision = '7d2e9a41c3b5'
down_revision = '3b7c1d2e4f60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mirror_bin_id', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            'fk_webhooks_mirror_bin_id_capture_bins', 'capture_bins', ['mirror_bin_id'], ['id'], ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.drop_constraint('fk_webhooks_mirror_bin_id_capture_bins', type_='foreignkey')
        batch_op.drop_column('mirror_bin_id')
