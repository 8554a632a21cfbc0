"""audit_events: webhook_id may be null, for workspace events (data deleted on request, bulk deletes)

Revision ID: b3e7d1f9a2c6
Revises: 5c2e8a1f7b34
Create Date: 2026-12-03 08:50:00

Existing events all name a webhook and keep it. A downgrade drops the workspace events (they
cannot name a webhook), then makes the column required again.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3e7d1f9a2c6'
down_revision = '5c2e8a1f7b34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events') as batch:
        batch.alter_column('webhook_id', existing_type=sa.String(length=32), nullable=True)


def downgrade():
    op.execute("DELETE FROM audit_events WHERE webhook_id IS NULL")
    with op.batch_alter_table('audit_events') as batch:
        batch.alter_column('webhook_id', existing_type=sa.String(length=32), nullable=False)
