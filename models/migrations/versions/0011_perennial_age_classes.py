"""Perennial age classes: a commune's area of a perennial crop by planting year, so that
the provincial estimate has the biomass carbon of the province's orchards.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 21:10:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('perennialageclass',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('crop_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('planting_year', sa.Integer(), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.ForeignKeyConstraint(['crop_id'], ['crop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commune_id', 'year', 'crop_id', 'planting_year')
    )


def downgrade() -> None:
    op.drop_table('perennialageclass')
