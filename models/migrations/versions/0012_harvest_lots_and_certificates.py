"""Harvest lots and label certificates: a cooperative's lot of a year's product from
several plots, kept as versions, and the certificates issued on a lot version with the
hash of the data behind them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('harvestlot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('cooperative_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('crop_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('import_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], ),
    sa.ForeignKeyConstraint(['crop_id'], ['crop.id'], ),
    sa.ForeignKeyConstraint(['import_id'], ['importbatch.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'version')
    )
    op.create_index(op.f('ix_harvestlot_code'), 'harvestlot', ['code'], unique=False)
    op.create_table('lotpart',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=False),
    sa.Column('plot_id', sa.Uuid(), nullable=False),
    sa.Column('mass_kg', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['harvestlot.id'], ),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_lotpart_lot_id'), 'lotpart', ['lot_id'], unique=False)
    op.create_table('certificate',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('claims', sa.JSON(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('data_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('issued_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['harvestlot.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['calculationrun.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_certificate_code'), 'certificate', ['code'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_certificate_code'), table_name='certificate')
    op.drop_table('certificate')
    op.drop_index(op.f('ix_lotpart_lot_id'), table_name='lotpart')
    op.drop_table('lotpart')
    op.drop_index(op.f('ix_harvestlot_code'), table_name='harvestlot')
    op.drop_table('harvestlot')
