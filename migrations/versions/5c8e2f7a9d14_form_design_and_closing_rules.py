"""forms: description, cover and logo, theme, closing rules; workspaces: default theme

Revision ID: 5c8e2f7a9d14
Revises: 3f8c2a7d9e14
Create Date: 2026-12-02 07:20:00

Every column is nullable and added in place: existing forms keep their look (no theme means the
workspace's, and no workspace theme means the built-in one) and stay open (no date, no count).
"""
from alembic import op
import sqlalchemy as sa


revision = '5c8e2f7a9d14'
down_revision = '3f8c2a7d9e14'
branch_labels = None
depends_on = None

FORM_COLUMNS = (
    ('description', sa.Text()),
    ('cover_image_url', sa.String(length=2000)),
    ('logo_url', sa.String(length=2000)),
    ('theme', sa.JSON()),
    ('closes_at', sa.DateTime(timezone=True)),
    ('max_submissions', sa.Integer()),
    ('closed_message', sa.Text()),
)


def upgrade():
    # nullable columns without foreign keys: added in place on SQLite too (no table rebuild)
    for name, kind in FORM_COLUMNS:
        op.add_column('forms', sa.Column(name, kind, nullable=True))
    op.add_column('workspaces', sa.Column('theme', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('workspaces', 'theme')
    for name, _kind in reversed(FORM_COLUMNS):
        op.drop_column('forms', name)
