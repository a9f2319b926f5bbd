"""Runs: their order as the store recorded them (``seq``, 1, 2, ... per company), so that the
last run of a company is found without the machine's clock (``RunLog.last_as_of``).

Runs recorded before this revision are numbered in the order of their start (the best known).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
    op.execute("UPDATE runs SET seq = (SELECT COUNT(*) FROM runs AS earlier WHERE earlier.company = runs.company "
               "AND (earlier.started_at < runs.started_at OR (earlier.started_at = runs.started_at "
               "AND earlier.run_id <= runs.run_id)))")


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("seq")
