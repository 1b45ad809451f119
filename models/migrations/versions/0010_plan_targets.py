"""Plan targets: plan_indicators rows are either what was done in a year (actual) or what
the plan sets for it (target, e.g. 2030 and 2035), with the targets of low-emission area
and of reduction that the five-year summary compares the recalculated series with.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 01:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('planindicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default='actual'))
        batch_op.add_column(sa.Column('low_emission_ha', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('reduction_t', sa.Float(), nullable=True))
        batch_op.drop_index('ix_planindicator_year')
        batch_op.create_index('ix_planindicator_year', ['year'], unique=False)
        batch_op.create_unique_constraint('uq_planindicator_year_kind', ['year', 'kind'])


def downgrade() -> None:
    with op.batch_alter_table('planindicator', schema=None) as batch_op:
        batch_op.drop_constraint('uq_planindicator_year_kind', type_='unique')
        batch_op.drop_index('ix_planindicator_year')
        batch_op.create_index('ix_planindicator_year', ['year'], unique=True)
        batch_op.drop_column('reduction_t')
        batch_op.drop_column('low_emission_ha')
        batch_op.drop_column('kind')
