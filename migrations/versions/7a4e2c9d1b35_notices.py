"""notices: owner mail written with the change it tells of, sent by a queued job

Revision ID: 7a4e2c9d1b35
Revises: 01b546e0018a
Create Date: 2026-12-02 01:20:00

A webhook the worker disables gets its audit row and its owners' notice in the same
transaction as the attempt that decided it; the mail leaves later, through a queued job
that retries with backoff, so an SMTP outage delays the mail and never the worker.
"""
import sqlalchemy as sa
from alembic import op


revision = '7a4e2c9d1b35'
down_revision = '01b546e0018a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notices',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workspace_id', sa.String(length=32), nullable=False),
    sa.Column('webhook_id', sa.String(length=32), nullable=True),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_workspace_id'), ['workspace_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_workspace_id'))
    op.drop_table('notices')
