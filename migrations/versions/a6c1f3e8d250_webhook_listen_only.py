"""webhooks.listen_only: a form's local webhook, whose deliveries only go to listen clients

Revision ID: a6c1f3e8d250
Revises: c4d8e2f1a6b9
Create Date: 2026-12-02 18:10:00

False for every existing webhook: each keeps sending to its URL.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a6c1f3e8d250'
down_revision = 'c4d8e2f1a6b9'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('webhooks', sa.Column('listen_only', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_column('webhooks', 'listen_only')
