"""household summaries: one row per household with the first day it met each indicator

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00

The table is created and filled from the existing rows in the same migration. The filling
query is written out here (not imported from the app) so this migration keeps doing what it
did when the app's code moves on; it computes what server/reports/household_dates.py
computed at this revision. `flask rebuild-summaries` recomputes every row with the app's
current code.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

PLATFORMS = ("postmart", "voso", "shopee", "lazada", "tiktok", "sendo", "tiki", "provincial", "other")
DATES = (
    "trained_digital",
    "trained_packaging",
    "trained_livestream",
    "seller_account",
    "active_account",
    "payment_account",
    "smartphone",
    "digital_address",
)

FILL = """
INSERT INTO household_summaries (household_id, commune_code, hamlet_code, counted, registered_on,
  trained_digital, trained_packaging, trained_livestream, seller_account, active_account,
  payment_account, smartphone, digital_address, orders, {platform_names})
SELECT h.id, h.commune_code, h.hamlet_code,
  CASE WHEN h.deleted_at IS NULL AND h.merged_into_id IS NULL THEN {true} ELSE {false} END,
  {day_created},
  tr.trained_digital, tr.trained_packaging, tr.trained_livestream,
  mk.seller_account, mk.active_account, pay.payment_account,
  CASE WHEN h.smartphone = 'yes' THEN COALESCE(h.smartphone_since, {day_created}) END,
  CASE WHEN COALESCE(h.plus_code, '') <> '' OR COALESCE(h.vnpost_code, '') <> '' THEN {day_created} END,
  COALESCE(mk.orders, 0), {platform_values}
FROM households h
LEFT JOIN (
  SELECT a.household_id,
    MIN(CASE WHEN CAST(s.topics AS TEXT) LIKE '%"digital_skills"%' THEN s.held_on END) AS trained_digital,
    MIN(CASE WHEN CAST(s.topics AS TEXT) LIKE '%"packaging_delivery"%' THEN s.held_on END) AS trained_packaging,
    MIN(CASE WHEN CAST(s.topics AS TEXT) LIKE '%"livestream"%' THEN s.held_on END) AS trained_livestream
  FROM attendance a JOIN training_sessions s ON s.id = a.session_id
  WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL
  GROUP BY a.household_id
) tr ON tr.household_id = h.id
LEFT JOIN (
  SELECT m.household_id,
    MIN(COALESCE(m.opened_on, {day_market})) AS seller_account,
    MIN(CASE WHEN m.products_listed > 0 OR m.orders_reported > 0
        THEN COALESCE(m.checked_on, m.opened_on, {day_market}) END) AS active_account,
    SUM(m.orders_reported) AS orders,
    {platform_firsts}
  FROM marketplace_accounts m WHERE m.deleted_at IS NULL GROUP BY m.household_id
) mk ON mk.household_id = h.id
LEFT JOIN (
  SELECT p.household_id, MIN(COALESCE(p.opened_on, {day_payment})) AS payment_account
  FROM payment_accounts p WHERE p.deleted_at IS NULL GROUP BY p.household_id
) pay ON pay.household_id = h.id
"""


def _fill_sql(dialect: str) -> str:
    day = "date({})" if dialect == "sqlite" else "CAST({} AS DATE)"
    day_market = day.format("m.created_at")
    return FILL.format(
        true="1" if dialect == "sqlite" else "true",
        false="0" if dialect == "sqlite" else "false",
        day_created=day.format("h.created_at"),
        day_market=day_market,
        day_payment=day.format("p.created_at"),
        platform_names=", ".join(f"platform_{p}" for p in PLATFORMS),
        platform_values=", ".join(f"mk.platform_{p}" for p in PLATFORMS),
        platform_firsts=",\n    ".join(
            f"MIN(CASE WHEN m.platform = '{p}' THEN COALESCE(m.opened_on, {day_market}) END) AS platform_{p}"
            for p in PLATFORMS
        ),
    )


def upgrade():
    op.create_table('household_summaries',
    sa.Column('household_id', sa.Uuid(), nullable=False),
    sa.Column('commune_code', sa.String(length=24), nullable=False),
    sa.Column('hamlet_code', sa.String(length=24), nullable=True),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    *[sa.Column(name, sa.Date(), nullable=True) for name in DATES],
    sa.Column('orders', sa.Integer(), nullable=False),
    *[sa.Column(f'platform_{name}', sa.Date(), nullable=True) for name in PLATFORMS],
    sa.PrimaryKeyConstraint('household_id', name=op.f('pk_household_summaries'))
    )
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_summaries_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_summaries_hamlet_code'), ['hamlet_code'], unique=False)
    op.execute(_fill_sql(op.get_bind().dialect.name))


def downgrade():
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_summaries_hamlet_code'))
        batch_op.drop_index(batch_op.f('ix_household_summaries_commune_code'))
    op.drop_table('household_summaries')
