"""csv_exports: a big form's CSV export written by a job and mailed as a link

Revision ID: 7d3f9b2c6e15
Revises: 0a86d492d806
Create Date: 2026-12-03 09:10:00

A new table only: existing rows are untouched, and the downgrade drops it.
"""
import sqlalchemy as sa
from alembic import op


revision = '7d3f9b2c6e15'
down_revision = '0a86d492d806'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'csv_exports',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('workspace_id', sa.String(length=32), nullable=False),
        sa.Column('form_id', sa.String(length=32), nullable=False),
        sa.Column('requested_by', sa.String(length=32), nullable=True),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_csv_exports_workspace_id', 'csv_exports', ['workspace_id'])


def downgrade():
    op.drop_index('ix_csv_exports_workspace_id', table_name='csv_exports')
    op.drop_table('csv_exports')
