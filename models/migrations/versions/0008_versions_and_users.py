"""Plots and commune settings versioned by the year they hold from; users compared by a
folded name. Every existing plot and commune becomes version 1, valid in every year.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:00:00.000000
"""
import uuid

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    string, key = sqlmodel.sql.sqltypes.AutoString(), sa.Uuid()
    op.create_table(
        'plotversion',
        sa.Column('id', key, nullable=False),
        sa.Column('plot_id', key, sa.ForeignKey('plot.id'), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Integer(), nullable=True),
        sa.Column('farm_id', key, sa.ForeignKey('farm.id'), nullable=True),
        sa.Column('commune_id', key, sa.ForeignKey('commune.id'), nullable=False),
        sa.Column('crop_id', string, sa.ForeignKey('crop.id'), nullable=False),
        sa.Column('area_ha', sa.Float(), nullable=False),
        sa.Column('area_text', string, nullable=False),
        sa.Column('planting_year', sa.Integer(), nullable=True),
        sa.Column('irrigation', string, nullable=False),
        sa.Column('climate', string, nullable=False),
        sa.Column('sao_variant', string, nullable=True),
        sa.Column('soil', string, nullable=True),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('pilot_model_id', key, sa.ForeignKey('pilotmodel.id'), nullable=True),
        sa.Column('role', string, nullable=True),
        sa.Column('intercrop', string, nullable=True),
        sa.Column('intercrop_share', sa.Float(), nullable=True),
        sa.Column('recorded_by', string, nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('import_id', key, sa.ForeignKey('importbatch.id'), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('plot_id', 'version'),
    )
    op.create_index('ix_plotversion_plot_id', 'plotversion', ['plot_id'])
    op.create_table(
        'communesetting',
        sa.Column('id', key, nullable=False),
        sa.Column('commune_id', key, sa.ForeignKey('commune.id'), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.Integer(), nullable=True),
        sa.Column('climate', string, nullable=False),
        sa.Column('sao_variant', string, nullable=True),
        sa.Column('rice_region', string, nullable=False),
        sa.Column('recorded_by', string, nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.Column('import_id', key, sa.ForeignKey('importbatch.id'), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('commune_id', 'version'),
    )
    op.create_index('ix_communesetting_commune_id', 'communesetting', ['commune_id'])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', string, nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_user_name_key', ['name_key'], unique=True)

    connection = op.get_bind()
    now = sa.func.now()
    plots = connection.execute(sa.text(
        "SELECT p.id, p.farm_id, p.commune_id, p.crop_id, p.area_ha, p.area_text, p.planting_year, p.irrigation, "
        "p.climate, p.sao_variant, p.soil, p.latitude, p.longitude, pp.pilot_model_id, pp.role "
        "FROM plot p LEFT JOIN pilotplot pp ON pp.plot_id = p.id")).all()
    table = sa.table('plotversion', *(sa.column(c) for c in (
        'id', 'plot_id', 'version', 'farm_id', 'commune_id', 'crop_id', 'area_ha', 'area_text', 'planting_year',
        'irrigation', 'climate', 'sao_variant', 'soil', 'latitude', 'longitude', 'pilot_model_id', 'role',
        'recorded_at')))
    seen = set()
    rows = []
    for row in plots:
        if row[0] in seen:
            continue
        seen.add(row[0])
        rows.append({'id': uuid.uuid4().hex, 'plot_id': row[0], 'version': 1, **dict(zip(
            ('farm_id', 'commune_id', 'crop_id', 'area_ha', 'area_text', 'planting_year', 'irrigation', 'climate',
             'sao_variant', 'soil', 'latitude', 'longitude', 'pilot_model_id', 'role'), row[1:]))})
    if rows:
        connection.execute(table.insert().values(recorded_at=now), rows)
    communes = connection.execute(sa.text("SELECT id, climate, sao_variant, rice_region FROM commune")).all()
    table = sa.table('communesetting', *(sa.column(c) for c in (
        'id', 'commune_id', 'version', 'climate', 'sao_variant', 'rice_region', 'recorded_at')))
    if communes:
        connection.execute(table.insert().values(recorded_at=now), [
            {'id': uuid.uuid4().hex, 'commune_id': c[0], 'version': 1, 'climate': c[1], 'sao_variant': c[2],
             'rice_region': c[3]} for c in communes])


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_name_key')
        batch_op.drop_column('created_at')
        batch_op.drop_column('name_key')
    op.drop_table('communesetting')
    op.drop_table('plotversion')
