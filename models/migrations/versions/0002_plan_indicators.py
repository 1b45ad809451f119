"""Plan indicators: the yearly figures officers fill in (farmers trained, communication
events, research tasks, production zones and cooperatives formed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 09:40:36.069728
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('planindicator',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('farmers_trained', sa.Integer(), nullable=True),
    sa.Column('communication_events', sa.Integer(), nullable=True),
    sa.Column('research_tasks', sa.Integer(), nullable=True),
    sa.Column('zones_formed', sa.Integer(), nullable=True),
    sa.Column('cooperatives_formed', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('planindicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planindicator_year'), ['year'], unique=True)



def downgrade() -> None:
    with op.batch_alter_table('planindicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planindicator_year'))

    op.drop_table('planindicator')
