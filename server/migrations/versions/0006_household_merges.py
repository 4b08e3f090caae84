"""household merges: what each merge of duplicate households wrote, so that it can be undone

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-01 16:00:00
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'household_merges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kept_id', sa.Uuid(), nullable=False),
        sa.Column('merged_id', sa.Uuid(), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=True),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['kept_id'], ['households.id'], name=op.f('fk_household_merges_kept_id_households')),
        sa.ForeignKeyConstraint(['merged_id'], ['households.id'], name=op.f('fk_household_merges_merged_id_households')),
        sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_household_merges_merged_by_id_users')),
        sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_household_merges_undone_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_merges')),
    )
    with op.batch_alter_table('household_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_merges_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_merges_merged_id'), ['merged_id'], unique=False)


def downgrade():
    with op.batch_alter_table('household_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_merges_merged_id'))
        batch_op.drop_index(batch_op.f('ix_household_merges_kept_id'))
    op.drop_table('household_merges')
