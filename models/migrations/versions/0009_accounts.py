"""Accounts for the server: password hashes, verifiers' communes, bearer tokens and browser
sessions (stored as hashes), and the responses of requests sent with an idempotency key.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    string, key = sqlmodel.sql.sqltypes.AutoString(), sa.Uuid()
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_hash', string, nullable=True))
    op.create_table(
        'assignment',
        sa.Column('id', key, nullable=False),
        sa.Column('user_id', key, sa.ForeignKey('user.id'), nullable=False),
        sa.Column('commune_id', key, sa.ForeignKey('commune.id'), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'commune_id'),
    )
    op.create_index('ix_assignment_user_id', 'assignment', ['user_id'])
    op.create_table(
        'accesstoken',
        sa.Column('id', key, nullable=False),
        sa.Column('token_hash', string, nullable=False),
        sa.Column('user_id', key, sa.ForeignKey('user.id'), nullable=False),
        sa.Column('kind', string, nullable=False),
        sa.Column('csrf_token', string, nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_accesstoken_token_hash', 'accesstoken', ['token_hash'], unique=True)
    op.create_index('ix_accesstoken_user_id', 'accesstoken', ['user_id'])
    op.create_table(
        'idempotentrequest',
        sa.Column('id', key, nullable=False),
        sa.Column('user_id', key, sa.ForeignKey('user.id'), nullable=False),
        sa.Column('key', string, nullable=False),
        sa.Column('request_hash', string, nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('body', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'key'),
    )


def downgrade() -> None:
    op.drop_table('idempotentrequest')
    op.drop_index('ix_accesstoken_user_id', 'accesstoken')
    op.drop_index('ix_accesstoken_token_hash', 'accesstoken')
    op.drop_table('accesstoken')
    op.drop_index('ix_assignment_user_id', 'assignment')
    op.drop_table('assignment')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('password_hash')
