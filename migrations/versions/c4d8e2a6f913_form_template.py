"""forms.template: the gallery template a form was made from

Revision ID: c4d8e2a6f913
Revises: b7f3a9c21d04
Create Date: 2026-12-02 17:50:00

NULL for every existing form (each began blank); the builder offers a template's webhook
preset only to forms made from it.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d8e2a6f913'
down_revision = 'b7f3a9c21d04'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('forms', sa.Column('template', sa.String(length=40), nullable=True))


def downgrade():
    op.drop_column('forms', 'template')
