"""uploaded files: stored_files, webhooks.attach_files

Revision ID: b7f3a9c21d04
Revises: 5c8e2f7a9d14
Create Date: 2026-12-02 07:20:00

A file answer's bytes live in the storage (disk or S3); each stored object has one row here,
deleted with its submission (a file field's max_files and accept live in fields.settings). A
multipart webhook may attach the files; existing webhooks attach none, so nothing sent changes.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7f3a9c21d04'
down_revision = '5c8e2f7a9d14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('id', sa.String(length=32), primary_key=True),
        sa.Column('workspace_id', sa.String(length=32), sa.ForeignKey('workspaces.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('form_id', sa.String(length=32), sa.ForeignKey('forms.id', ondelete='CASCADE'), nullable=False),
        sa.Column('submission_id', sa.String(length=32), sa.ForeignKey('submissions.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('field_key', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False, unique=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    for column in ('workspace_id', 'form_id', 'submission_id'):
        op.create_index(f'ix_stored_files_{column}', 'stored_files', [column])
    # a column with a server default and no foreign key: added in place on SQLite (no table rebuild)
    op.add_column('webhooks', sa.Column('attach_files', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.drop_column('webhooks', 'attach_files')
    for column in ('workspace_id', 'form_id', 'submission_id'):
        op.drop_index(f'ix_stored_files_{column}', 'stored_files')
    op.drop_table('stored_files')
