"""Rice seasons: a record's cultivation days, water regime and pre-season regime, and the
season of a result row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 18:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.add_column(sa.Column('days', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('days_text', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('water_regime', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('pre_season', sa.String(), nullable=True))
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.add_column(sa.Column('season', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_column('season')
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.drop_column('pre_season')
        batch_op.drop_column('water_regime')
        batch_op.drop_column('days_text')
        batch_op.drop_column('days')
