"""The claims register: each reduction claimed by a label, a carbon credit or a
result-based payment, once, with the tonnes of each pilot plot-year it takes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('claim',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('claimant', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('registered_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('registered_at', sa.DateTime(), nullable=False),
    sa.Column('import_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['importbatch.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_claim_code'), 'claim', ['code'], unique=True)
    op.create_table('claimpart',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('plot_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('tonnes', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], ),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_claimpart_claim_id'), 'claimpart', ['claim_id'], unique=False)
    op.create_index('ix_claimpart_plot_year', 'claimpart', ['plot_id', 'year'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_claimpart_plot_year', table_name='claimpart')
    op.drop_index(op.f('ix_claimpart_claim_id'), table_name='claimpart')
    op.drop_table('claimpart')
    op.drop_index(op.f('ix_claim_code'), table_name='claim')
    op.drop_table('claim')
