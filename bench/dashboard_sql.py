"""The province indicator table written by hand in SQL: the yardsticks for bench/dashboard.py."""

from datetime import date, timedelta

import sqlalchemy as sa

from server.households.models import PLATFORMS
from server.reports.models import INDICATORS

QUERY = """
WITH hh AS (
  SELECT h.id, h.commune_code, h.smartphone, h.smartphone_since, h.plus_code, h.vnpost_code,
         {day_created} AS registered_on
  FROM households h JOIN places c ON c.code = h.commune_code
  WHERE c.parent_code = :province AND h.deleted_at IS NULL
    AND h.merged_into_id IS NULL AND {day_created} <= :as_of
), tr AS (
  SELECT a.household_id,
    MIN(CASE WHEN CAST(s.topics AS TEXT) LIKE '%"digital_skills"%' THEN s.held_on END) AS trained_digital,
    MIN(CASE WHEN CAST(s.topics AS TEXT) LIKE '%"packaging_delivery"%' THEN s.held_on END) AS trained_packaging,
    MIN(CASE WHEN CAST(s.topics AS TEXT) LIKE '%"livestream"%' THEN s.held_on END) AS trained_livestream
  FROM attendance a JOIN training_sessions s ON s.id = a.session_id
  WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL AND s.held_on <= :as_of
  GROUP BY a.household_id
), mk AS (
  SELECT m.household_id,
    MIN(COALESCE(m.opened_on, {day_market})) AS seller_account,
    MIN(CASE WHEN m.products_listed > 0 OR m.orders_reported > 0
        THEN COALESCE(m.checked_on, m.opened_on, {day_market}) END) AS active_account,
    SUM(m.orders_reported) AS orders,
    {platform_flags}
  FROM marketplace_accounts m WHERE m.deleted_at IS NULL GROUP BY m.household_id
), pay AS (
  SELECT p.household_id, MIN(COALESCE(p.opened_on, {day_payment})) AS payment_account
  FROM payment_accounts p WHERE p.deleted_at IS NULL GROUP BY p.household_id
), d AS (
  SELECT hh.commune_code, tr.trained_digital, tr.trained_packaging, tr.trained_livestream,
    mk.seller_account, mk.active_account, COALESCE(mk.orders, 0) AS orders, pay.payment_account,
    CASE WHEN hh.smartphone = 'yes' THEN COALESCE(hh.smartphone_since, hh.registered_on) END AS smartphone,
    CASE WHEN COALESCE(hh.plus_code, '') <> '' OR COALESCE(hh.vnpost_code, '') <> ''
         THEN hh.registered_on END AS digital_address,
    {platform_columns}
  FROM hh LEFT JOIN tr ON tr.household_id = hh.id LEFT JOIN mk ON mk.household_id = hh.id
  LEFT JOIN pay ON pay.household_id = hh.id
)
SELECT commune_code, COUNT(*) AS registered, SUM(orders) AS orders, {counts}
FROM d GROUP BY commune_code
"""


def _sql(dialect: str) -> str:
    day = "date({})" if dialect == "sqlite" else "CAST({} AS DATE)"
    flags = ",\n    ".join(
        f"MAX(CASE WHEN m.platform = '{p}' AND COALESCE(m.opened_on, {day.format('m.created_at')}) <= :as_of "
        f"THEN 1 ELSE 0 END) AS platform_{p}"
        for p in PLATFORMS
    )
    counts = ", ".join(
        f"COUNT(CASE WHEN {i} <= :as_of THEN 1 END) AS {i}, COUNT(CASE WHEN {i} <= :ago THEN 1 END) AS {i}_ago"
        for i in INDICATORS
    )
    counts += ", " + ", ".join(f"SUM(platform_{p}) AS platform_{p}" for p in PLATFORMS)
    return QUERY.format(
        day_created=day.format("h.created_at"),
        day_market=day.format("m.created_at"),
        day_payment=day.format("p.created_at"),
        platform_flags=flags,
        platform_columns=", ".join(f"COALESCE(mk.platform_{p}, 0) AS platform_{p}" for p in PLATFORMS),
        counts=counts,
    )


def hand_written_table(session, province: str, as_of: date) -> dict[str, dict]:
    """{commune: {registered, orders, <indicator>, <indicator>_ago, platform_<p>}} in one statement."""
    dialect = session.get_bind().dialect.name
    params = {"province": province, "as_of": as_of, "ago": as_of - timedelta(days=90)}
    if dialect == "sqlite":
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    rows = session.execute(sa.text(_sql(dialect)), params).mappings()
    return {row["commune_code"]: dict(row) for row in rows}


SUMMARY_QUERY = """
SELECT commune_code, COUNT(*) AS registered, SUM(orders) AS orders, {counts}
FROM household_summaries s JOIN places c ON c.code = s.commune_code
WHERE c.parent_code = :province AND s.counted AND s.registered_on <= :as_of
GROUP BY commune_code
"""


def hand_written_summary_table(session, province: str, as_of: date) -> dict[str, dict]:
    """The same table counted from household_summaries, written by hand (the app's query is built by SQLAlchemy)."""
    dialect = session.get_bind().dialect.name
    counts = ", ".join(
        f"COUNT(*) FILTER (WHERE {i} <= :as_of) AS {i}, COUNT(*) FILTER (WHERE {i} <= :ago) AS {i}_ago"
        for i in INDICATORS
    )
    counts += ", " + ", ".join(f"COUNT(*) FILTER (WHERE platform_{p} <= :as_of) AS platform_{p}" for p in PLATFORMS)
    params = {"province": province, "as_of": as_of, "ago": as_of - timedelta(days=90)}
    if dialect == "sqlite":
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    rows = session.execute(sa.text(SUMMARY_QUERY.format(counts=counts)), params).mappings()
    return {row["commune_code"]: dict(row) for row in rows}


def summary_trend(session, place, as_of: date) -> list:
    """The monthly trend counted from household_summaries row by row (the app's way before the counters)."""
    from server.reports.indicators import counted_as_of, summaries_in
    from server.reports.models import HouseholdSummary
    from server.reports.trend import month_ends

    ends = month_ends(as_of.year, as_of)
    summary = HouseholdSummary.__table__.c
    columns = []
    for index, end in enumerate(ends):
        on = sa.bindparam(f"end_{index}", end, sa.Date)
        columns += [sa.func.count().filter(summary[i] <= on).label(f"{i}_{index}") for i in INDICATORS]
    row = session.execute(sa.select(*columns).where(counted_as_of(as_of), summaries_in(place))).mappings().one()
    return [(end, {i: int(row[f"{i}_{index}"] or 0) for i in INDICATORS}) for index, end in enumerate(ends)]
