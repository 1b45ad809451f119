"""Tree inventories: a record's mean stem diameter, height and wood density.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 23:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.add_column(sa.Column('diameter_cm', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('height_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('wood_density', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.drop_column('wood_density')
        batch_op.drop_column('height_m')
        batch_op.drop_column('diameter_cm')
