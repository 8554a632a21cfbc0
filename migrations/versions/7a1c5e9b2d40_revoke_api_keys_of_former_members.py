"""api_keys: revoke the keys whose creator is no longer a member of the key's workspace

Revision ID: 7a1c5e9b2d40
Revises: 7a4e2c9d1b35
Create Date: 2026-12-02 01:20:00

A key acts only while its creator belongs to its workspace. Removing a member now revokes
their keys, but keys of members removed earlier (and of deleted accounts) were left active;
they are marked revoked here so the API keys page says what the API does. No row is deleted.
"""
from alembic import op


revision = '7a1c5e9b2d40'
down_revision = '7a4e2c9d1b35'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP "
        "WHERE revoked_at IS NULL AND NOT EXISTS ("
        "SELECT 1 FROM memberships WHERE memberships.user_id = api_keys.user_id "
        "AND memberships.workspace_id = api_keys.workspace_id)"
    )


def downgrade():
    # which keys were revoked by this migration is not recorded; revoked keys stay revoked
    pass
