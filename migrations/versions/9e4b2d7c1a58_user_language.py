"""users: language (en|id, null follows the browser) for the dashboard and the user's emails

Revision ID: 9e4b2d7c1a58
Revises: a6c1f3e8d250
Create Date: 2026-12-02 18:10:00

Existing users get null: their dashboard keeps following the browser's Accept-Language until
they pick a language in the top bar.
"""
from alembic import op
import sqlalchemy as sa


revision = '9e4b2d7c1a58'
down_revision = 'a6c1f3e8d250'
branch_labels = None
depends_on = None


def upgrade():
    # a nullable column: added in place, no table rebuild on SQLite
    op.add_column('users', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column('users', 'language')
