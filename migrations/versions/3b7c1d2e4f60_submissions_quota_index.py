"""submissions: index (workspace_id, created_at) for the monthly quota count

Revision ID: 3b7c1d2e4f60
Revises: e59088cd4ffe
Create Date: 2026-12-01 17:20:00

The quota check on every hosted-form post counts the workspace's submissions of this
month; with only an index on workspace_id it read every submission the workspace ever had.
The new index starts with workspace_id, so it replaces the old one.
"""
from alembic import op


revision = '3b7c1d2e4f60'
down_revision = 'e59088cd4ffe'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_workspace_id_created_at', ['workspace_id', 'created_at'], unique=False)
        batch_op.drop_index('ix_submissions_workspace_id')


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_workspace_id', ['workspace_id'], unique=False)
        batch_op.drop_index('ix_submissions_workspace_id_created_at')
