"""workspaces: a time zone (existing workspaces: UTC) and a default phone region

Revision ID: 5c8e1f3a9d72
Revises: 7d2e9a41c3b5
Create Date: 2026-12-02 07:20:00

The dashboard shows times in the workspace's IANA zone; every workspace made before keeps
showing UTC. A phone answer written without a country code is read in the workspace's region
(empty: the DEFAULT_PHONE_REGION setting).
"""
import sqlalchemy as sa
from alembic import op


revision = '5c8e1f3a9d72'
down_revision = '7d2e9a41c3b5'
branch_labels = None
depends_on = None


# plain ALTER TABLE, not batch mode: rebuilding workspaces on SQLite would cascade-delete every
# membership, key and form that points at it
def upgrade():
    op.add_column('workspaces', sa.Column('timezone', sa.String(length=64), nullable=False, server_default='UTC'))
    op.add_column('workspaces', sa.Column('phone_region', sa.String(length=2), nullable=True))


def downgrade():
    op.drop_column('workspaces', 'phone_region')
    op.drop_column('workspaces', 'timezone')
