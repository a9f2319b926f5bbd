"""Snapshot: a content hash per record, so a record pulled again unchanged costs no write.

Rows written before this revision have none (NULL): the next pull that sends them writes them
once more, with their hash.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('snapshot_records') as batch:
        batch.add_column(sa.Column('content_hash', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('snapshot_records') as batch:
        batch.drop_column('content_hash')
