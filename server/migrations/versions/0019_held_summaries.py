"""summaries held back until a phone's last batch

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 18:30:00

held_summaries: the households of a phone's batches whose summary rows wait for the last batch of a phone's sync, or
for the first reader of the summaries (server/reports/summary_hooks.py). Empty when created:
every summary is exact at the upgrade.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'held_summaries',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('device_token_id', sa.Integer(), nullable=False),
        sa.Column('household_ids', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_held_summaries')),
    )
    with op.batch_alter_table('held_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_summaries_device_token_id'), ['device_token_id'], unique=False)


def downgrade():
    # A held row dropped with the table would leave its household's summary behind for good.
    if op.get_bind().execute(sa.text('SELECT 1 FROM held_summaries LIMIT 1')).first() is not None:
        raise RuntimeError(
            'held_summaries still holds households: open the dashboard once (or run'
            ' "flask rebuild-summaries") so that they are recomputed, then downgrade again'
        )
    op.drop_table('held_summaries')
