"""webhooks: mirror_bin_id, the capture URL that gets a copy of every request sent

Revision ID: 7d2e9a41c3b5
Revises: 7d3e9a1c5b20
Create Date: 2026-12-02 01:20:00

The request inspector used to overwrite a webhook's URL to watch its requests. It now
records a copy of each request in a capture bin while the real URL keeps receiving them;
this column names the bin (no foreign key: a deleted or expired bin just gets no copies). Existing webhooks get NULL: nothing is copied until asked.
"""
from alembic import op
import sqlalchemy as sa


revision = '7d2e9a41c3b5'
down_revision = '7d3e9a1c5b20'
branch_labels = None
depends_on = None


def upgrade():
    # a nullable column without a foreign key: added in place on SQLite too (batch mode would rebuild
    # webhooks, and dropping the old table cascades to every delivery and attempt)
    op.add_column('webhooks', sa.Column('mirror_bin_id', sa.String(length=32), nullable=True))


def downgrade():
    op.drop_column('webhooks', 'mirror_bin_id')
