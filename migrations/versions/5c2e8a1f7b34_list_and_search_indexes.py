"""indexes for a million rows: the submissions list, its search (trigrams), the API lists by status

Revision ID: 5c2e8a1f7b34
Revises: 9e4b2d7c1a58
Create Date: 2026-12-03 08:50:00

The dashboard's list and export page newest first by (created_at, id) within a form and status;
the API pages by id within a form and status, and a webhook's deliveries by id within a status.
On PostgreSQL with pg_trgm available, a GIN trigram index on the answers' JSON text serves the
search's ILIKE; without it the search stays bounded (app.services.submission_search). Only
indexes are added: no row changes, and the downgrade drops them again.
"""
import sqlalchemy as sa
from alembic import op

revision = '5c2e8a1f7b34'
down_revision = '9e4b2d7c1a58'
branch_labels = None
depends_on = None

TRIGRAM_INDEX = 'ix_submissions_answers_trgm'


def _trigrams_available(bind):
    query = sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    return bind.dialect.name == 'postgresql' and bind.scalar(query) > 0


def upgrade():
    op.create_index('ix_submissions_form_id_status_created_at_id', 'submissions',
                    ['form_id', 'status', 'created_at', 'id'])
    op.create_index('ix_submissions_form_id_status_id', 'submissions', ['form_id', 'status', 'id'])
    op.create_index('ix_deliveries_webhook_id_status_id', 'deliveries', ['webhook_id', 'status', 'id'])
    bind = op.get_bind()
    if _trigrams_available(bind):
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute(f'CREATE INDEX {TRIGRAM_INDEX} ON submissions USING gin (CAST(answers AS VARCHAR) gin_trgm_ops)')


def downgrade():
    op.execute(f'DROP INDEX IF EXISTS {TRIGRAM_INDEX}')
    op.drop_index('ix_deliveries_webhook_id_status_id', table_name='deliveries')
    op.drop_index('ix_submissions_form_id_status_id', table_name='submissions')
    op.drop_index('ix_submissions_form_id_status_created_at_id', table_name='submissions')
