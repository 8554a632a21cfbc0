"""fields: settings (a type's own options: rating's max, Other…, shuffled order) and visible_if (logic)

Revision ID: 4c8f1e2a9b63
Revises: 5c8e1f3a9d72
Create Date: 2026-12-02 07:15:00

Both columns are nullable JSON added in place: existing fields read NULL as "no settings" and
"always shown", so every form behaves as before.
"""
from alembic import op
import sqlalchemy as sa


revision = '4c8f1e2a9b63'
down_revision = '5c8e1f3a9d72'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('fields', sa.Column('settings', sa.JSON(), nullable=True))
    op.add_column('fields', sa.Column('visible_if', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('fields', 'visible_if')
    op.drop_column('fields', 'settings')
