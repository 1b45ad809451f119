"""Frozen estimate inputs: what a run's provincial estimate is made of, stored with the run.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:48:59.168091
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calculationrun', schema=None) as batch_op:
        batch_op.add_column(sa.Column('estimate_inputs', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('calculationrun', schema=None) as batch_op:
        batch_op.drop_column('estimate_inputs')

