"""The models table: the model each company runs, with its version and fit day (issue 20 point 8).

Self-contained: it creates its own table and touches no other.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('models',
    sa.Column('company', sa.String(length=200), nullable=False),
    sa.Column('fitted_on', sa.Date(), nullable=False),
    sa.Column('version', sa.String(length=80), nullable=False),
    sa.Column('predictor', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('company', 'fitted_on', 'version')
    )


def downgrade() -> None:
    op.drop_table('models')
