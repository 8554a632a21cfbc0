"""webhooks.rate_limit: attempts per second at most for one webhook (null: unlimited)

Revision ID: 0a86d492d806
Revises: b3e7d1f9a2c6
Create Date: 2026-12-03 08:49:12

Null for every existing webhook: each keeps sending as fast as before.
"""
from alembic import op
import sqlalchemy as sa


revision = '0a86d492d806'
down_revision = 'b3e7d1f9a2c6'
branch_labels = None
depends_on = None


def upgrade():
    # a nullable column: added in place, no table rebuild on SQLite
    op.add_column('webhooks', sa.Column('rate_limit', sa.Integer(), nullable=True))


def downgrade():
    op.drop_column('webhooks', 'rate_limit')
