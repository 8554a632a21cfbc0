"""retention settings, the indexes the purge walks, and hourly delivery rollups filled from existing attempts

Revision ID: f3a8c1d5e7b2
Revises: 7d3f9b2c6e15
Create Date: 2026-12-03 09:00:00

Workspaces get three nullable retention columns (null: the RETENTION_* setting) and forms a
nullable submission retention (null: kept until deleted), so existing data is kept as before.
delivery_rollups is filled from every attempt already stored, so the health page and /metrics
read the same figures after the upgrade as before it.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3a8c1d5e7b2'
down_revision = '7d3f9b2c6e15'
branch_labels = None
depends_on = None

# as app/models/rollups.py: the upper bounds (ms) of the latency buckets
LATENCY_BOUNDS_MS = (
    10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000,
    7500, 10000, 15000, 20000, 30000,
)


def _counter(name):
    return sa.Column(name, sa.Integer(), nullable=False, server_default='0')


def _backfill_sql(dialect):
    """INSERT … SELECT summing the stored attempts per webhook and hour."""
    if dialect == 'postgresql':
        hour = "date_trunc('hour', a.at)"
        status = "(a.response ->> 'status')::int"
    else:  # SQLite keeps naive UTC text: 'YYYY-MM-DD HH:MM:SS.ffffff'
        hour = "strftime('%Y-%m-%d %H:00:00.000000', a.at)"
        status = "CAST(json_extract(a.response, '$.status') AS INTEGER)"
    buckets, lower = [], None
    for bound in LATENCY_BOUNDS_MS:
        above = f"a.duration_ms > {lower} AND " if lower is not None else ""
        buckets.append(f"SUM(CASE WHEN {above}a.duration_ms <= {bound} THEN 1 ELSE 0 END)")
        lower = bound
    columns = ", ".join(f"le_{bound}" for bound in LATENCY_BOUNDS_MS)
    return (
        f"INSERT INTO delivery_rollups (webhook_id, hour, workspace_id, attempts, successes, duration_ms_sum, "
        f"{columns}) "
        f"SELECT d.webhook_id, {hour}, MIN(d.workspace_id), COUNT(*), "
        f"SUM(CASE WHEN {status} BETWEEN 200 AND 299 THEN 1 ELSE 0 END), COALESCE(SUM(a.duration_ms), 0), "
        f"{', '.join(buckets)} "
        f"FROM attempts a JOIN deliveries d ON d.id = a.delivery_id "
        f"GROUP BY d.webhook_id, {hour}"
    )


def upgrade():
    # nullable columns: added in place, no table rebuild on SQLite
    for name in ('retention_attempts_days', 'retention_deliveries_days', 'retention_captures_days'):
        op.add_column('workspaces', sa.Column(name, sa.Integer(), nullable=True))
    op.add_column('forms', sa.Column('submission_retention_days', sa.Integer(), nullable=True))
    op.create_index('ix_attempts_at', 'attempts', ['at'])
    op.create_index('ix_deliveries_created_at', 'deliveries', ['created_at'])
    op.create_index('ix_captured_requests_at', 'captured_requests', ['at'])
    op.create_index('ix_submissions_form_id_created_at', 'submissions', ['form_id', 'created_at'])
    op.create_table(
        'delivery_rollups',
        sa.Column('webhook_id', sa.String(length=32), sa.ForeignKey('webhooks.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('hour', sa.DateTime(timezone=True), nullable=False),
        sa.Column('workspace_id', sa.String(length=32), sa.ForeignKey('workspaces.id', ondelete='CASCADE'),
                  nullable=False),
        _counter('attempts'),
        _counter('successes'),
        sa.Column('duration_ms_sum', sa.BigInteger(), nullable=False, server_default='0'),
        *[_counter(f'le_{bound}') for bound in LATENCY_BOUNDS_MS],
        sa.PrimaryKeyConstraint('webhook_id', 'hour'),
    )
    op.create_index('ix_delivery_rollups_workspace_id', 'delivery_rollups', ['workspace_id'])
    op.execute(_backfill_sql(op.get_bind().dialect.name))


def downgrade():
    op.drop_index('ix_delivery_rollups_workspace_id', table_name='delivery_rollups')
    op.drop_table('delivery_rollups')
    op.drop_index('ix_submissions_form_id_created_at', table_name='submissions')
    op.drop_index('ix_captured_requests_at', table_name='captured_requests')
    op.drop_index('ix_deliveries_created_at', table_name='deliveries')
    op.drop_index('ix_attempts_at', table_name='attempts')
    # plain columns: SQLite drops them in place (a batch rebuild of workspaces would cascade its deletes)
    op.drop_column('forms', 'submission_retention_days')
    for name in ('retention_attempts_days', 'retention_deliveries_days', 'retention_captures_days'):
        op.drop_column('workspaces', name)
