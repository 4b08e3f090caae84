"""follow-up lists in household_summaries, indexed; households indexed by name

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-01 19:10:00

household_summaries marks the counted households of each follow-up list (trained without a
seller account, no smartphone), so the dashboard counts a province's lists from an index. The
flags are filled from the source tables in the same migration, by SQL written out here (not
imported from the app) so this migration keeps doing what it did when the app's code moves on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0013'
branch_labels = None
depends_on = None

FOLLOW_UPS = ("trained_no_account", "no_smartphone")
FILL = """
UPDATE household_summaries SET
  follow_up_trained_no_account = CASE WHEN counted = {true}
    AND EXISTS (SELECT 1 FROM attendance a JOIN training_sessions s ON s.id = a.session_id
                WHERE a.household_id = household_summaries.household_id
                  AND a.deleted_at IS NULL AND s.deleted_at IS NULL)
    AND NOT EXISTS (SELECT 1 FROM marketplace_accounts m
                    WHERE m.household_id = household_summaries.household_id AND m.deleted_at IS NULL)
    THEN {true} ELSE {false} END,
  follow_up_no_smartphone = CASE WHEN counted = {true}
    AND EXISTS (SELECT 1 FROM households h WHERE h.id = household_summaries.household_id AND h.smartphone = 'no')
    THEN {true} ELSE {false} END
"""


def upgrade():
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        for name in FOLLOW_UPS:
            batch_op.add_column(sa.Column(f'follow_up_{name}', sa.Boolean(), nullable=False, server_default=sa.false()))
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.execute(FILL.format(true='1' if sqlite else 'true', false='0' if sqlite else 'false'))
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        for name in FOLLOW_UPS:
            batch_op.alter_column(f'follow_up_{name}', server_default=None)
            batch_op.create_index(
                batch_op.f(f'ix_household_summaries_follow_up_{name}'),
                [f'follow_up_{name}', 'commune_code', 'hamlet_code'],
                unique=False,
            )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_head_name_id', ['head_name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_head_name_id')
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        for name in reversed(FOLLOW_UPS):
            batch_op.drop_index(batch_op.f(f'ix_household_summaries_follow_up_{name}'))
            batch_op.drop_column(f'follow_up_{name}')
