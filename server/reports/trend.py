"""Monthly trend of each indicator for a place: households reaching it by the end of each month."""

import calendar
from datetime import date

import sqlalchemy as sa

from server.extensions import db
from server.places.models import Place
from server.reports import counters
from server.reports.indicators import as_of_for, communes_of, counted_as_of, summaries_in
from server.reports.models import INDICATORS, HouseholdSummary


def month_ends(year: int, as_of: date) -> list[date]:
    """The last day of each month from January to the month of `as_of` (that month ends at as_of)."""
    ends = [date(year, m, calendar.monthrange(year, m)[1]) for m in range(1, as_of.month + 1)]
    return [min(end, as_of) for end in ends] if as_of.year == year else []


def monthly_trend(place: Place, year: int, today: date | None = None) -> list[tuple[date, dict[str, int]]]:
    """[(month end, {indicator: households})] for the months of the year so far, in one or two queries."""
    as_of = as_of_for(year, today)
    ends = month_ends(year, as_of)
    if not ends:
        return []
    if place.kind in ("province", "commune"):  # added up from the per-commune counters
        communes = communes_of(place) if place.kind == "province" else [place.code]
        return list(zip(ends, counters.trend(db.session.connection(), communes, ends, as_of), strict=True))
    summary = HouseholdSummary.__table__.c
    columns = []
    for index, end in enumerate(ends):
        on = sa.bindparam(f"end_{index}", end, sa.Date)
        columns += [sa.func.count().filter(summary[i] <= on).label(f"{i}_{index}") for i in INDICATORS]
    query = sa.select(*columns).where(counted_as_of(as_of), summaries_in(place))
    row = db.session.execute(query).mappings().one()
    return [(end, {i: int(row[f"{i}_{index}"] or 0) for i in INDICATORS}) for index, end in enumerate(ends)]
