"""bulletins: market and season notices for places, told at sessions, received and opened by phones

Revision ID: 0008
Revises: 0002
Create Date: 2026-12-01 16:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulletins',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('place_code', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=True),
    sa.Column('price', sa.Integer(), nullable=True),
    sa.Column('price_unit', sa.String(length=16), nullable=True),
    sa.Column('price_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_bulletins_author_id_users')),
    sa.ForeignKeyConstraint(['place_code'], ['places.code'], name=op.f('fk_bulletins_place_code_places')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletins'))
    )
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletins_place_code'), ['place_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletins_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletins_version'), ['version'], unique=False)

    op.create_table('bulletin_told',
    sa.Column('bulletin_id', sa.Uuid(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('field_clocks', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletins.id'], name=op.f('fk_bulletin_told_bulletin_id_bulletins')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_bulletin_told_session_id_training_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_told')),
    sa.UniqueConstraint('bulletin_id', 'session_id', name=op.f('uq_bulletin_told_bulletin_id_session_id'))
    )
    with op.batch_alter_table('bulletin_told', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_told_bulletin_id'), ['bulletin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletin_told_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletin_told_version'), ['version'], unique=False)

    op.create_table('bulletin_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bulletin_id', sa.Uuid(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletins.id'], name=op.f('fk_bulletin_receipts_bulletin_id_bulletins')),
    sa.ForeignKeyConstraint(['token_id'], ['device_tokens.id'], name=op.f('fk_bulletin_receipts_token_id_device_tokens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_receipts')),
    sa.UniqueConstraint('bulletin_id', 'token_id', name=op.f('uq_bulletin_receipts_bulletin_id_token_id'))
    )
    with op.batch_alter_table('bulletin_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_receipts_bulletin_id'), ['bulletin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulletin_receipts_token_id'), ['token_id'], unique=False)


def downgrade():
    op.drop_table('bulletin_receipts')
    op.drop_table('bulletin_told')
    op.drop_table('bulletins')
