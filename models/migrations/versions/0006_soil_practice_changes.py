"""Soil practice changes: the practice a soil_management record replaced.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 22:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_practice', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.drop_column('previous_practice')
