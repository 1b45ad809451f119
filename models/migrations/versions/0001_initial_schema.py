"""Initial schema: lookups, communes, cooperatives, farms, plots, pilot models, records,
provincial activity data, review status, users, calculation runs and results.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 09:17:29.623727
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calculationrun',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('factor_profile', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('factor_set_version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gwp', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('code_version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('input_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('official', sa.Boolean(), nullable=False),
    sa.Column('superseded_by', sa.Uuid(), nullable=True),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('result_rows', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by'], ['calculationrun.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('calculationrun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calculationrun_year'), ['year'], unique=False)

    op.create_table('crop',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_vi', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('lifecycle', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('factorprovenance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('factor_ids', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('factorprovenance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factorprovenance_factor_ids'), ['factor_ids'], unique=True)

    op.create_table('importbatch',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('imported_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('product',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_vi', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('province',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('province', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_province_code'), ['code'], unique=True)

    op.create_table('unit',
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('alias')
    )
    op.create_table('commune',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('province_id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('climate', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sao_variant', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rice_region', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['province.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'valid_from')
    )
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_code'), ['code'], unique=False)

    op.create_table('practiceprofile',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('crop_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('low_emission', sa.Boolean(), nullable=False),
    sa.Column('inputs_per_ha', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['crop_id'], ['crop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('practiceprofile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practiceprofile_code'), ['code'], unique=True)

    op.create_table('adoptionshare',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Uuid(), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.ForeignKeyConstraint(['profile_id'], ['practiceprofile.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commune_id', 'year', 'profile_id')
    )
    op.create_table('communecroparea',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('crop_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.Column('production_t', sa.Float(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.ForeignKeyConstraint(['crop_id'], ['crop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commune_id', 'year', 'crop_id')
    )
    op.create_table('cooperative',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperative_code'), ['code'], unique=True)

    op.create_table('pilotmodel',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('crop_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('practice_package', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.ForeignKeyConstraint(['crop_id'], ['crop.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pilotmodel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilotmodel_code'), ['code'], unique=True)

    op.create_table('user',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_name'), ['name'], unique=True)

    op.create_table('farm',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=False),
    sa.Column('cooperative_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.ForeignKeyConstraint(['cooperative_id'], ['cooperative.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('farm', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_farm_code'), ['code'], unique=True)

    op.create_table('reviewstatus',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('commune_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('changed_by', sa.Uuid(), nullable=True),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('commune_id', 'year')
    )
    op.create_table('plot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('farm_id', sa.Uuid(), nullable=True),
    sa.Column('commune_id', sa.Uuid(), nullable=False),
    sa.Column('crop_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('area_ha', sa.Float(), nullable=False),
    sa.Column('area_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('planting_year', sa.Integer(), nullable=True),
    sa.Column('irrigation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('climate', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sao_variant', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('soil', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], ),
    sa.ForeignKeyConstraint(['crop_id'], ['crop.id'], ),
    sa.ForeignKeyConstraint(['farm_id'], ['farm.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plot_code'), ['code'], unique=True)

    op.create_table('activityrecord',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('record_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('plot_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('record_date', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('season', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('activity', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('use', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('quantity_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('unit_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('n_content_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('dry_matter_text', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('quantity', sa.Float(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('n_content', sa.Float(), nullable=True),
    sa.Column('dry_matter', sa.Float(), nullable=True),
    sa.Column('sao_variant', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('canonical', sa.JSON(), nullable=True),
    sa.Column('evidence', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('import_id', sa.Uuid(), nullable=True),
    sa.Column('source_file', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['importbatch.id'], ),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_key', 'version')
    )
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activityrecord_plot_id'), ['plot_id'], unique=False)
        batch_op.create_index('ix_record_current_year', ['is_current', 'year'], unique=False)

    op.create_table('pilotplot',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('pilot_model_id', sa.Uuid(), nullable=False),
    sa.Column('plot_id', sa.Uuid(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['pilot_model_id'], ['pilotmodel.id'], ),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pilot_model_id', 'plot_id')
    )
    op.create_table('plotcrop',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plot_id', sa.Uuid(), nullable=False),
    sa.Column('crop_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.Column('from_year', sa.Integer(), nullable=True),
    sa.Column('to_year', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['crop_id'], ['crop.id'], ),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plotcrop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plotcrop_plot_id'), ['plot_id'], unique=False)

    op.create_table('result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Uuid(), nullable=False),
    sa.Column('plot_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('crop', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('commune_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('gas', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('mass_kg', sa.Float(), nullable=False),
    sa.Column('co2e_kg', sa.Float(), nullable=False),
    sa.Column('ipcc_category', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('input_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('activity_amount', sa.Float(), nullable=False),
    sa.Column('activity_unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('factor_value', sa.Float(), nullable=False),
    sa.Column('factor_unit', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('factor_origin', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('boundary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('provenance_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plot_id'], ['plot.id'], ),
    sa.ForeignKeyConstraint(['provenance_id'], ['factorprovenance.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['calculationrun.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.create_index('ix_result_run', ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('result', schema=None) as batch_op:
        batch_op.drop_index('ix_result_run')

    op.drop_table('result')
    with op.batch_alter_table('plotcrop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plotcrop_plot_id'))

    op.drop_table('plotcrop')
    op.drop_table('pilotplot')
    with op.batch_alter_table('activityrecord', schema=None) as batch_op:
        batch_op.drop_index('ix_record_current_year')
        batch_op.drop_index(batch_op.f('ix_activityrecord_plot_id'))

    op.drop_table('activityrecord')
    with op.batch_alter_table('plot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plot_code'))

    op.drop_table('plot')
    op.drop_table('reviewstatus')
    with op.batch_alter_table('farm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_farm_code'))

    op.drop_table('farm')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_name'))

    op.drop_table('user')
    with op.batch_alter_table('pilotmodel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilotmodel_code'))

    op.drop_table('pilotmodel')
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperative_code'))

    op.drop_table('cooperative')
    op.drop_table('communecroparea')
    op.drop_table('adoptionshare')
    with op.batch_alter_table('practiceprofile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practiceprofile_code'))

    op.drop_table('practiceprofile')
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_code'))

    op.drop_table('commune')
    op.drop_table('unit')
    with op.batch_alter_table('province', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_province_code'))

    op.drop_table('province')
    op.drop_table('product')
    op.drop_table('importbatch')
    with op.batch_alter_table('factorprovenance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factorprovenance_factor_ids'))

    op.drop_table('factorprovenance')
    op.drop_table('crop')
    with op.batch_alter_table('calculationrun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calculationrun_year'))

    op.drop_table('calculationrun')
