"""mails: every outgoing message queued like a delivery; forms.notifications; submissions.language

Revision ID: d91f3b7e5a28
Revises: c4d8e2a6f913
Create Date: 2026-12-02 17:50:00

The owners' notices become one kind of mail among several (a submission's owner notification,
the respondent's autoresponse, a digest): each row keeps its status, tries and last error as a
delivery does. Existing notices are copied over with their state. A form's notification
settings are one JSON column (NULL: no mail about submissions, as before); a submission keeps
the language its visitor was answered in, so an autoresponse sent later still speaks it.
"""
import sqlalchemy as sa
from alembic import op

revision = 'd91f3b7e5a28'
down_revision = 'c4d8e2a6f913'
branch_labels = None
depends_on = None

NOTICE_COLUMNS = ('id', 'workspace_id', 'webhook_id', 'recipients', 'subject', 'body', 'created_at', 'sent_at',
                  'attempts', 'last_error')


def upgrade():
    op.create_table(
        'mails',
        sa.Column('id', sa.String(length=32), primary_key=True),
        sa.Column('workspace_id', sa.String(length=32), sa.ForeignKey('workspaces.id', ondelete='CASCADE'),
                  nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False, server_default='webhook_disabled'),
        sa.Column('webhook_id', sa.String(length=32), sa.ForeignKey('webhooks.id', ondelete='SET NULL'),
                  nullable=True),
        sa.Column('form_id', sa.String(length=32), sa.ForeignKey('forms.id', ondelete='SET NULL'), nullable=True),
        sa.Column('submission_id', sa.String(length=32), sa.ForeignKey('submissions.id', ondelete='SET NULL'),
                  nullable=True),
        sa.Column('digest_id', sa.String(length=32), sa.ForeignKey('mails.id', ondelete='SET NULL'), nullable=True),
        sa.Column('dedupe_key', sa.String(length=200), nullable=True, unique=True),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('reply_to', sa.String(length=320), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False, server_default='pending'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error_code', sa.String(length=32), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('tries', sa.JSON(), nullable=False),
    )
    for column in ('workspace_id', 'submission_id', 'status'):
        op.create_index(f'ix_mails_{column}', 'mails', [column])
    columns = ', '.join(NOTICE_COLUMNS)
    op.execute(
        f"INSERT INTO mails ({columns}, kind, status, tries) "
        f"SELECT {columns}, 'webhook_disabled', "
        "CASE WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'retrying' END, '[]' FROM notices"
    )
    op.drop_index('ix_notices_workspace_id', 'notices')
    op.drop_table('notices')
    # columns without a foreign key: added in place on SQLite (no table rebuild)
    op.add_column('forms', sa.Column('notifications', sa.JSON(), nullable=True))
    op.add_column('submissions', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column('submissions', 'language')
    op.drop_column('forms', 'notifications')
    op.create_table(
        'notices',
        sa.Column('id', sa.String(length=32), primary_key=True),
        sa.Column('workspace_id', sa.String(length=32), sa.ForeignKey('workspaces.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('webhook_id', sa.String(length=32), sa.ForeignKey('webhooks.id', ondelete='SET NULL'),
                  nullable=True),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
    )
    op.create_index('ix_notices_workspace_id', 'notices', ['workspace_id'])
    columns = ', '.join(NOTICE_COLUMNS)
    op.execute(f"INSERT INTO notices ({columns}) SELECT {columns} FROM mails "
               "WHERE kind = 'webhook_disabled' AND workspace_id IS NOT NULL")
    for column in ('workspace_id', 'submission_id', 'status'):
        op.drop_index(f'ix_mails_{column}', 'mails')
    op.drop_table('mails')
