"""place counts: per commune, registration year, figure and day (and month), the households that met it

Revision ID: 0013
Revises: 0002
Create Date: 2026-12-01 17:20:00

The counters are filled from household_summaries in the same migration; the filling queries
are written out here (not imported from the app) so this migration keeps doing what it did
when the app's code moves on. `flask rebuild-summaries` recounts them with the app's current code.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0008'
branch_labels = None
depends_on = None

PLATFORMS = ("postmart", "voso", "shopee", "lazada", "tiktok", "sendo", "tiki", "provincial", "other")
DATED = (
    "trained_digital",
    "trained_packaging",
    "trained_livestream",
    "seller_account",
    "active_account",
    "payment_account",
    "smartphone",
    "digital_address",
    *[f"platform_{p}" for p in PLATFORMS],
)


def _fill(dialect: str) -> list[str]:
    year = "CAST(strftime('%Y', registered_on) AS INTEGER)" if dialect == "sqlite" else "CAST(EXTRACT(year FROM registered_on) AS INTEGER)"
    month = "date(on_day, 'start of month')" if dialect == "sqlite" else "CAST(date_trunc('month', on_day) AS DATE)"
    counted = "counted = 1" if dialect == "sqlite" else "counted"
    into = "INSERT INTO place_day_counts (on_day, commune_code, registered_year, metric, households) "
    statements = [
        into + f"SELECT registered_on, commune_code, {year}, 'registered', COUNT(*) FROM household_summaries "
        f"WHERE {counted} GROUP BY registered_on, commune_code, {year}",
        into + f"SELECT registered_on, commune_code, {year}, 'orders', SUM(orders) FROM household_summaries "
        f"WHERE {counted} AND orders <> 0 GROUP BY registered_on, commune_code, {year}",
    ]
    statements += [
        into + f"SELECT {m}, commune_code, {year}, '{m}', COUNT(*) FROM household_summaries "
        f"WHERE {counted} AND {m} IS NOT NULL GROUP BY {m}, commune_code, {year}"
        for m in DATED
    ]
    statements.append(
        "INSERT INTO place_month_counts (commune_code, registered_year, metric, month, households) "
        f"SELECT commune_code, registered_year, metric, {month}, SUM(households) FROM place_day_counts "
        f"GROUP BY commune_code, registered_year, metric, {month}"
    )
    return statements


def upgrade():
    op.create_table('place_day_counts',
    sa.Column('on_day', sa.Date(), nullable=False),
    sa.Column('commune_code', sa.String(length=24), nullable=False),
    sa.Column('registered_year', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('on_day', 'commune_code', 'registered_year', 'metric', name=op.f('pk_place_day_counts'))
    )
    op.create_table('place_month_counts',
    sa.Column('commune_code', sa.String(length=24), nullable=False),
    sa.Column('registered_year', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('households', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('commune_code', 'registered_year', 'metric', 'month', name=op.f('pk_place_month_counts'))
    )
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_summaries_registered_on'), ['registered_on'], unique=False)
    for statement in _fill(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    with op.batch_alter_table('household_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_summaries_registered_on'))
    op.drop_table('place_month_counts')
    op.drop_table('place_day_counts')
