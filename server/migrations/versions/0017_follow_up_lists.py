"""follow-up lists in household_summaries and the place counters; households indexed by name

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-01 19:10:00

household_summaries marks the counted households of each follow-up list (trained without a
seller account, no smartphone) and the per-commune counters count them (metric
follow_up_<list>, dated by registration), so the dashboard adds a province's lists up from a
few hundred rows. The flags and their counters are filled in the same migration, by SQL written
out here (not imported from the app) so this migration keeps doing what it did when the app's
code moves on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0015'
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


def _counters(sqlite: bool) -> list[str]:
    year = "CAST(strftime('%Y', registered_on) AS INTEGER)" if sqlite else "CAST(EXTRACT(year FROM registered_on) AS INTEGER)"
    month = "date(on_day, 'start of month')" if sqlite else "CAST(date_trunc('month', on_day) AS DATE)"
    true = '1' if sqlite else 'true'
    statements = [
        "INSERT INTO place_day_counts (on_day, commune_code, registered_year, metric, households) "
        f"SELECT registered_on, commune_code, {year}, 'follow_up_{name}', COUNT(*) FROM household_summaries "
        f"WHERE counted = {true} AND follow_up_{name} = {true} GROUP BY registered_on, commune_code, {year}"
        for name in FOLLOW_UPS
    ]
    metrics = ", ".join(f"'follow_up_{name}'" for name in FOLLOW_UPS)
    statements.append(
        "INSERT INTO place_month_counts (commune_code, registered_year, metric, month, households) "
        f"SELECT commune_code, registered_year, metric, {month}, SUM(households) FROM place_day_counts "
        f"WHERE metric IN ({metrics}) GROUP BY commune_code, registered_year, metric, {month}"
    )
    return statements


def upgrade():
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        for name in FOLLOW_UPS:
            batch_op.add_column(sa.Column(f'follow_up_{name}', sa.Boolean(), nullable=False, server_default=sa.false()))
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.execute(FILL.format(true='1' if sqlite else 'true', false='0' if sqlite else 'false'))
    for statement in _counters(sqlite):
        op.execute(statement)
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        for name in FOLLOW_UPS:
            batch_op.alter_column(f'follow_up_{name}', server_default=None)
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_head_name_id', ['head_name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_head_name_id')
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        for name in reversed(FOLLOW_UPS):
            batch_op.drop_column(f'follow_up_{name}')
    metrics = ", ".join(f"'follow_up_{name}'" for name in FOLLOW_UPS)
    for table in ('place_day_counts', 'place_month_counts'):
        op.execute(f"DELETE FROM {table} WHERE metric IN ({metrics})")
