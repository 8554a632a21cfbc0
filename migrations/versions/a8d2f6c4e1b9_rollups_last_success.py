"""delivery_rollups.last_success_at: the hour's latest 2xx answer, filled from the stored attempts

Revision ID: a8d2f6c4e1b9
Revises: f3a8c1d5e7b2
Create Date: 2026-12-03 09:45:00

The health page's "Last success" and the failure streak read it instead of scanning a
webhook's attempts; existing rollup rows get it from the attempts already stored.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a8d2f6c4e1b9'
down_revision = 'f3a8c1d5e7b2'
branch_labels = None
depends_on = None


# an attempt's hour and answered status, as each database writes them (SQLite keeps naive UTC text)
HOUR = {"postgresql": "date_trunc('hour', a.at)", "sqlite": "strftime('%Y-%m-%d %H:00:00.000000', a.at)"}
STATUS = {"postgresql": "(a.response ->> 'status')::int",
          "sqlite": "CAST(json_extract(a.response, '$.status') AS INTEGER)"}


def _backfill_sql(dialect):
    hour, status = HOUR[dialect], STATUS[dialect]
    return (
        "UPDATE delivery_rollups SET last_success_at = s.latest FROM ("
        f"SELECT d.webhook_id AS webhook_id, {hour} AS hour, MAX(a.at) AS latest "
        "FROM attempts a JOIN deliveries d ON d.id = a.delivery_id "
        f"WHERE {status} BETWEEN 200 AND 299 GROUP BY d.webhook_id, {hour}"
        ") AS s WHERE delivery_rollups.webhook_id = s.webhook_id AND delivery_rollups.hour = s.hour"
    )


def upgrade():
    # a nullable column: added in place, no table rebuild on SQLite
    op.add_column('delivery_rollups', sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(_backfill_sql(op.get_bind().dialect.name))


def downgrade():
    op.drop_column('delivery_rollups', 'last_success_at')
