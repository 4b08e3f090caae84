"""Per-commune counters next to household_summaries: what the province dashboard adds up.

place_day_counts holds, per commune, year of registration, figure and day, how many counted
households met the figure that day; place_month_counts the same per month. They change only
with household_summaries: every refresh (server/reports/summary.py) reads the summary rows of
its households before and after, and adds the difference to both tables at its end, in the
same transaction; `rebuild` recounts them from the summaries.

A figure "by day D, of households registered by as_of" (D <= as_of) is then the monthly rows
before D's month, the daily rows of D's month up to D, for registration years up to as_of's,
less the few households registered after as_of in its year (read from household_summaries).
The follow-up lists (trained without a seller account, no smartphone) are counted the same way,
dated by registration: a list's length in a province is the sum of its monthly rows.
"""

import calendar
import functools
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from server.households.models import PLATFORMS
from server.reports.household_dates import month_start
from server.reports.models import INDICATORS, HouseholdSummary, PlaceDayCount, PlaceMonthCount

DAYS, MONTHS = PlaceDayCount.__table__, PlaceMonthCount.__table__
SUMMARY = HouseholdSummary.__table__
DATED = (*INDICATORS, *[f"platform_{p}" for p in PLATFORMS])  # summary columns holding a first day
FOLLOW_UPS = ("follow_up_trained_no_account", "follow_up_no_smartphone")  # flags, dated by registration
METRICS = ("registered", "orders", *DATED, *FOLLOW_UPS)
READ = ("counted", "commune_code", "registered_on", "orders", *DATED, *FOLLOW_UPS)  # summary columns the counters use


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


# Writing ---------------------------------------------------------------------------------------


def summary_columns() -> list:
    """The summary columns the counters use, with the household's id as the driver reads it (only
    matched between the rows before and after a refresh: not made a UUID again)."""
    stored_id = sa.type_coerce(SUMMARY.c.household_id, sa.String).label("household_id")
    return [stored_id, *[SUMMARY.c[name] for name in READ]]


def summary_rows_select(where, lock: bool = False):
    """SELECT of summary_columns() of the rows matching `where`, in key order (locked when asked)."""
    query = sa.select(*summary_columns()).where(where).order_by(SUMMARY.c.household_id)
    return query.with_for_update() if lock else query


def contributions(rows) -> Counter:
    """{(commune, registered year, metric, day): households} that these summary rows add."""
    found: Counter = Counter()
    for row in rows:
        if not row["counted"]:
            continue
        registered = row["registered_on"]
        key = (row["commune_code"], registered.year)
        found[(*key, "registered", registered)] += 1
        if row["orders"]:
            found[(*key, "orders", registered)] += row["orders"]
        for metric in DATED:
            if row[metric] is not None:
                found[(*key, metric, row[metric])] += 1
        for metric in FOLLOW_UPS:
            if row[metric]:
                found[(*key, metric, registered)] += 1
    return found


KEY = ("commune_code", "registered_year", "metric")  # with the day or month: a counter row's key
CHANGE = (  # one changed counter, as the refresh hands it to the database
    sa.column("on_day", sa.Date),
    sa.column("commune_code", sa.String),
    sa.column("registered_year", sa.Integer),
    sa.column("metric", sa.String),
    sa.column("households", sa.Integer),
)


def _changes(dialect: str):
    """The JSON parameter "rows" (a list of CHANGE objects) as a table."""
    rows = sa.bindparam("rows", type_=sa.JSON)
    if dialect == "postgresql":
        table = sa.func.json_to_recordset(rows).table_valued(*CHANGE).render_derived("changed", with_types=True)
        return sa.select(*table.c).where(sa.true())
    each = sa.func.json_each(rows).table_valued("value")
    # Not CAST: a date would become a number on SQLite (DATE has numeric affinity); JSON's text is the stored form.
    fields = [sa.type_coerce(sa.func.json_extract(each.c.value, f"$.{c.name}"), c.type).label(c.name) for c in CHANGE]
    return sa.select(*fields).where(sa.true())  # WHERE: SQLite's parser needs it before ON CONFLICT


def _adding_to(dialect: str, table: sa.Table, select):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).from_select([c.name for c in select.selected_columns], select)
    return statement.on_conflict_do_update(
        index_elements=list(table.primary_key.columns),
        set_={"households": table.c.households + statement.excluded.households},
    )


@functools.cache
def _adding(dialect: str) -> list:
    """The statements adding a refresh's changes (the JSON parameter "rows") to both tables, built once.

    One statement on PostgreSQL (the days are a data-modifying CTE of the months'), two on SQLite.
    Rows go in key order, so two commits take the counters' locks in the same order.
    """
    changes = _changes(dialect)
    if dialect == "postgresql":
        changes = changes.cte("changes")
        changes = sa.select(*changes.c)
    by_day = changes.subquery("by_day")
    days = sa.select(*[by_day.c[c.name] for c in DAYS.columns if c.name != "households"], by_day.c.households)
    days = days.order_by(*[by_day.c[c.name] for c in DAYS.primary_key.columns])
    by_month = changes.subquery("by_month")
    keys = [*[by_month.c[name] for name in KEY], month_start(by_month.c.on_day).label("month")]
    total = sa.func.sum(by_month.c.households)
    months = sa.select(*keys, total.label("households")).group_by(*keys).having(total != 0).order_by(*keys)
    if dialect == "postgresql":
        return [_adding_to(dialect, MONTHS, months).add_cte(_adding_to(dialect, DAYS, days).cte("days"))]
    return [_adding_to(dialect, DAYS, days.where(sa.true())), _adding_to(dialect, MONTHS, months.where(sa.true()))]


def difference(before, after) -> Counter:
    """What the counters gain (or lose, below zero) when these summary rows go from `before` to `after`."""
    change = contributions(after)
    change.subtract(contributions(before))
    return change


def add(conn, change: Counter) -> None:
    """Add a refresh's whole difference to both tables, once per refresh and in key order.

    Once per refresh and in key order, so two commits adding to the same counters never wait on
    each other in a circle (each has taken all its summary rows' locks before).
    """
    rows = [
        {"on_day": day.isoformat(), "commune_code": commune, "registered_year": year, "metric": metric, "households": n}
        for (commune, year, metric, day), n in sorted(change.items())
        if n
    ]
    if rows:
        for statement in _adding(conn.dialect.name):
            conn.execute(statement, {"rows": rows})


def rebuild(conn) -> None:
    """Recount both tables from household_summaries."""
    conn.execute(sa.delete(DAYS))
    conn.execute(sa.delete(MONTHS))
    year = sa.cast(sa.extract("year", SUMMARY.c.registered_on), sa.Integer)
    for metric in METRICS:
        on_day = SUMMARY.c[metric] if metric in DATED else SUMMARY.c.registered_on
        value = sa.func.sum(SUMMARY.c.orders) if metric == "orders" else sa.func.count()
        where = [SUMMARY.c.counted.is_(True), on_day.is_not(None)]
        if metric == "orders":
            where.append(SUMMARY.c.orders != 0)
        if metric in FOLLOW_UPS:
            where.append(SUMMARY.c[metric].is_(True))
        select = (
            sa.select(on_day, SUMMARY.c.commune_code, year, sa.literal(metric), value)
            .where(*where)
            .group_by(on_day, SUMMARY.c.commune_code, year)
        )
        columns = ["on_day", "commune_code", "registered_year", "metric", "households"]
        conn.execute(sa.insert(DAYS).from_select(columns, select))
    month = month_start(DAYS.c.on_day)
    keys = [DAYS.c.commune_code, DAYS.c.registered_year, DAYS.c.metric, month]
    select = sa.select(*keys, sa.func.sum(DAYS.c.households)).group_by(*keys)
    columns = ["commune_code", "registered_year", "metric", "month", "households"]
    conn.execute(sa.insert(MONTHS).from_select(columns, select))


# Reading ---------------------------------------------------------------------------------------


def _summed(conn, table, filters: dict, where, by_commune: bool) -> list:
    group = [table.c.commune_code, table.c.metric] if by_commune else [table.c.metric]
    sums = [sa.func.sum(table.c.households).filter(f).label(label) for label, f in filters.items()]
    return list(conn.execute(sa.select(*group, *sums).where(*where).group_by(*group)).mappings())


def _late_registrations(conn, communes, dates: dict[str, date], as_of: date, by_commune: bool) -> list:
    """What households registered after as_of but in its year add to the counters (usually nothing).

    A past year is as of 31 December and this year as of today, so the days after as_of hold
    few registrations (none but a phone's clock ahead): read by the index on registered_on alone,
    grouped by commune, and the communes picked here.
    """
    year_end = date(as_of.year, 12, 31)
    after = sa.and_(SUMMARY.c.registered_on > as_of, SUMMARY.c.registered_on <= year_end)
    if as_of >= year_end or conn.scalar(sa.select(SUMMARY.c.household_id).where(after).limit(1)) is None:
        return []
    columns = []
    for label, day in dates.items():
        on = sa.bindparam(f"d_{label}", day, sa.Date)
        late = SUMMARY.c.registered_on <= on
        columns.append(sa.func.count().filter(late).label(f"registered:{label}"))
        columns.append(sa.func.sum(sa.case((late, SUMMARY.c.orders), else_=0)).label(f"orders:{label}"))
        columns += [sa.func.count().filter(SUMMARY.c[m] <= on).label(f"{m}:{label}") for m in DATED]
    query = sa.select(SUMMARY.c.commune_code, *columns).where(SUMMARY.c.counted.is_(True), after)
    wanted, rows = set(communes), []
    for row in conn.execute(query.group_by(SUMMARY.c.commune_code)).mappings():
        if row["commune_code"] not in wanted:
            continue
        for key, value in row.items():
            if ":" in key and value:
                metric, label = key.split(":")
                rows.append((row["commune_code"] if by_commune else None, metric, label, int(value)))
    return rows


def counts(conn, communes: list[str], dates: dict[str, date], as_of: date, by_commune: bool) -> dict:
    """{commune (None unless by_commune): {metric: {label: households by that day}}} for dates <= as_of.

    Households counted and registered by as_of, as household_summaries counts them.
    """
    if not communes:
        return {}
    year = as_of.year
    month_filters, day_filters = {}, {}
    for label, day in dates.items():
        if _month_end(day):
            month_filters[label] = MONTHS.c.month <= _first_of_month(day)
        else:
            month_filters[label] = MONTHS.c.month < _first_of_month(day)
            day_filters[label] = DAYS.c.on_day.between(_first_of_month(day), day)
    found: dict = {}

    def add(commune, metric, label, value):
        found.setdefault(commune, {}).setdefault(metric, Counter())[label] += value

    where = [MONTHS.c.commune_code.in_(communes), MONTHS.c.registered_year <= year]
    for row in _summed(conn, MONTHS, month_filters, where, by_commune):
        for label in month_filters:
            add(row["commune_code"] if by_commune else None, row["metric"], label, int(row[label] or 0))
    for label, days in day_filters.items():  # one range of the key's first column each: a few days read
        where = [days, DAYS.c.commune_code.in_(communes), DAYS.c.registered_year <= year]
        for row in _summed(conn, DAYS, {label: sa.true()}, where, by_commune):
            add(row["commune_code"] if by_commune else None, row["metric"], label, int(row[label] or 0))
    for commune, metric, label, value in _late_registrations(conn, communes, dates, as_of, by_commune):
        add(commune, metric, label, -value)
    return found


def follow_ups(conn, communes: list[str], where=None) -> dict[str, int]:
    """{follow-up list: counted households on it} in these communes (`where`: a further condition on them)."""
    if not communes:
        return {}
    where = [MONTHS.c.commune_code.in_(communes), MONTHS.c.metric.in_(FOLLOW_UPS), *([] if where is None else [where])]
    query = sa.select(MONTHS.c.metric, sa.func.sum(MONTHS.c.households)).where(*where).group_by(MONTHS.c.metric)
    return {metric.removeprefix("follow_up_"): int(n or 0) for metric, n in conn.execute(query)}


def table_rows(conn, communes: list[str], as_of: date, pace_days: int) -> dict[str, dict]:
    """count_rows' {commune: {registered, orders, <indicator>, <indicator>_ago, platform_<p>}} from the counters."""
    found = counts(conn, communes, {"now": as_of, "ago": as_of - timedelta(days=pace_days)}, as_of, by_commune=True)
    rows = {}
    for commune, metrics in found.items():
        row = {name: metrics.get(name, {}).get("now", 0) for name in ("registered", "orders")}
        for indicator in INDICATORS:
            row[indicator] = metrics.get(indicator, {}).get("now", 0)
            row[f"{indicator}_ago"] = metrics.get(indicator, {}).get("ago", 0)
        for p in PLATFORMS:
            row[f"platform_{p}"] = metrics.get(f"platform_{p}", {}).get("now", 0)
        if row["registered"]:
            rows[commune] = row
    return rows


def trend(conn, communes: list[str], ends: list[date], as_of: date) -> list[dict[str, int]]:
    """{indicator: households} by each of these days, over these communes."""
    found = counts(conn, communes, {f"d{i}": end for i, end in enumerate(ends)}, as_of, by_commune=False).get(None, {})
    return [{i: found.get(i, {}).get(f"d{index}", 0) for i in INDICATORS} for index in range(len(ends))]
