"""spam protection: submissions.status and spam_reasons, forms' spam settings, workspaces' block lists

Revision ID: c4d8e2f1a6b9
Revises: d91f3b7e5a28
Create Date: 2026-12-02 17:45:00

Every stored submission is accepted (it was delivered as before); forms keep the default checks
(None) and workspaces start with empty block lists. Columns with server defaults or NULL only, so
SQLite adds them in place.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d8e2f1a6b9'
down_revision = 'd91f3b7e5a28'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('submissions', sa.Column('status', sa.String(length=16), nullable=False, server_default='accepted'))
    op.add_column('submissions', sa.Column('spam_reasons', sa.JSON(), nullable=True))
    op.add_column('forms', sa.Column('spam_settings', sa.JSON(), nullable=True))
    op.add_column('forms', sa.Column('captcha_secret', sa.Text(), nullable=True))
    op.add_column('forms', sa.Column('spam_token', sa.Text(), nullable=True))
    op.add_column('workspaces', sa.Column('spam_blocklist', sa.JSON(), nullable=True))


def downgrade():
    # plain DROP COLUMN: a batch rebuild would drop and re-create workspaces, and SQLite's implicit
    # DELETE of the old table cascades to every row that belongs to a workspace
    op.drop_column('workspaces', 'spam_blocklist')
    for column in ('spam_token', 'captcha_secret', 'spam_settings'):
        op.drop_column('forms', column)
    op.drop_column('submissions', 'spam_reasons')
    op.drop_column('submissions', 'status')
