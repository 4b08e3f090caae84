"""Indicator figures for a place and year: values, percentages, targets, gaps and forecasts.

Counting is done by the database: a GROUP BY over household_summaries, one row per household
with the first day it met each indicator, kept up to date at every commit
(server/reports/summary_hooks.py). Python only turns the few grouped rows into figures.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from server.extensions import db
from server.households.models import PLATFORMS, Household
from server.places.models import Place
from server.reports import counters
from server.reports import targets as target_rules
from server.reports.models import INDICATORS, HouseholdSummary

NO_HAMLET = ""  # group key of households recorded without a hamlet


@dataclass
class Figure:
    """One indicator of one place."""

    indicator: str
    value: int
    percent: float | None  # 0..1 of the denominator
    target: float | None = None  # percent, e.g. 70.0
    target_set_at: str | None = None  # code of the place whose target applies
    target_households: int | None = None
    gap: int | None = None  # households still needed (0 when reached)
    forecast: str | None = None  # reached | on_track | not_this_year
    forecast_on: date | None = None


@dataclass
class Progress:
    """All figures of one place (or of the households without a hamlet)."""

    code: str
    name: str
    kind: str
    year: int
    as_of: date
    registered: int
    denominator: int
    # baseline (its own) | children (its children's baselines) | children_and_registered
    # (children's baselines, registered households of children without one) | registered
    denominator_source: str
    orders: int
    platforms: dict[str, int]
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def indicators(self) -> list[Figure]:
        """The figures in the order of INDICATORS."""
        return list(self.figures.values())

    @property
    def behind(self) -> float:
        """Mean share of the targets reached (1.0 without targets): lower is further behind."""
        shares = [
            min(f.percent / (f.target / 100), 1.0) for f in self.figures.values() if f.target and f.percent is not None
        ]
        return sum(shares) / len(shares) if shares else 1.0

    def to_dict(self) -> dict:
        """JSON-ready figures (dates as ISO strings)."""
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "registered": self.registered,
            "denominator": self.denominator,
            "denominator_source": self.denominator_source,
            "orders_reported": self.orders,
            "platforms": dict(self.platforms),
            "indicators": [_figure_dict(f) for f in self.figures.values()],
        }


def _figure_dict(figure: Figure) -> dict:
    data = dict(figure.__dict__)
    data["forecast_on"] = figure.forecast_on.isoformat() if figure.forecast_on else None
    return data


def as_of_for(year: int, today: date | None = None) -> date:
    """Figures of a past year are as of 31 December; of this year, as of today."""
    today = today or date.today()
    return min(today, date(year, 12, 31))


def communes_of(place: Place) -> list[str]:
    """Codes of a province's communes (tombstoned ones too: their households still count)."""
    query = sa.select(Place.code).where(Place.parent_code == place.code, Place.kind == "commune")
    return list(db.session.scalars(query))


def _in_place(place: Place, commune_column, hamlet_column):
    if place.kind == "province":
        # A literal list lets the planner estimate the rows from column statistics.
        return commune_column.in_(communes_of(place))
    if place.kind == "commune":
        return commune_column == place.code
    return hamlet_column == place.code


def households_in(place: Place):
    """SQL condition: households of a province, commune or hamlet."""
    return _in_place(place, Household.commune_code, Household.hamlet_code)


def summaries_in(place: Place):
    """SQL condition: household summaries of a province, commune or hamlet."""
    return _in_place(place, HouseholdSummary.commune_code, HouseholdSummary.hamlet_code)


def follow_up_count(place: Place, communes_filter, name: str) -> int:
    """Counted households of a place on a follow-up list (server/households/lists.py FOLLOW_UPS).

    `communes_filter(column)` restricts commune codes to the reader's scope. A province or a
    commune is added up from the per-commune counters; a hamlet counts its household_summaries.
    """
    if place.kind in ("province", "commune"):
        communes = communes_of(place) if place.kind == "province" else [place.code]
        found = counters.follow_ups(db.session.connection(), communes, communes_filter(counters.MONTHS.c.commune_code))
        return found.get(name, 0)
    flag = HouseholdSummary.__table__.c[f"follow_up_{name}"]
    query = sa.select(sa.func.count()).where(
        flag == sa.true(), communes_filter(HouseholdSummary.commune_code), summaries_in(place)
    )
    return db.session.scalar(query) or 0


def group_column(place: Place):
    """The summary column that splits a place into its children."""
    if place.kind == "province":
        return HouseholdSummary.commune_code
    return sa.func.coalesce(HouseholdSummary.hamlet_code, NO_HAMLET)


def counted_as_of(as_of: date):
    """Condition on household_summaries: households that count and were registered by `as_of`."""
    return sa.and_(HouseholdSummary.counted.is_(True), HouseholdSummary.registered_on <= as_of)


def count_rows(where, group, as_of: date) -> dict[str, dict]:
    """{group: {registered, orders, <indicator>, <indicator>_ago, platform_<p>}} in one query."""
    on = sa.bindparam("on", as_of, sa.Date)
    ago = sa.bindparam("ago", as_of - timedelta(days=target_rules.PACE_DAYS), sa.Date)
    summary = HouseholdSummary.__table__.c
    columns = [group.label("grp"), sa.func.count().label("registered"), sa.func.sum(summary.orders).label("orders")]
    for indicator in INDICATORS:
        columns.append(sa.func.count().filter(summary[indicator] <= on).label(indicator))
        columns.append(sa.func.count().filter(summary[indicator] <= ago).label(f"{indicator}_ago"))
    columns += [sa.func.count().filter(summary[f"platform_{p}"] <= on).label(f"platform_{p}") for p in PLATFORMS]
    query = sa.select(*columns).where(counted_as_of(as_of), where).group_by(group)
    rows = db.session.execute(query).mappings()
    return {row["grp"]: {k: int(v or 0) for k, v in row.items() if k != "grp"} for row in rows}


def _sum_counts(counts: list[dict]) -> dict:
    total: dict[str, int] = {}
    for row in counts:
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
    return total


def own_denominator(counts: dict, baseline: int | None) -> tuple[int, str]:
    """The place's official total when one is entered, else its registered households."""
    return (baseline, "baseline") if baseline else (counts.get("registered", 0), "registered")


def summed_denominator(counts: dict[str, dict], child_baselines: dict[str, int]) -> tuple[int, str]:
    """The children's official totals, plus the registered households of children without one."""
    others = sum(row.get("registered", 0) for code, row in counts.items() if code not in child_baselines)
    return sum(child_baselines.values()) + others, "children_and_registered" if others else "children"


def build_progress(place, counts: dict, year: int, as_of: date, denominator: tuple[int, str], place_targets: dict):
    """Figures of one place from its counts, its denominator (value, source) and targets."""
    denominator, source = denominator
    progress = Progress(
        code=place.code if place else NO_HAMLET,
        name=place.name if place else "",
        kind=place.kind if place else "hamlet",
        year=year,
        as_of=as_of,
        registered=counts.get("registered", 0),
        denominator=denominator,
        denominator_source=source,
        orders=counts.get("orders", 0),
        platforms={p: counts.get(f"platform_{p}", 0) for p in PLATFORMS},
    )
    for indicator in INDICATORS:
        value = counts.get(indicator, 0)
        figure = Figure(indicator, value, value / denominator if denominator else None)
        if indicator in place_targets and denominator:
            percent, set_at = place_targets[indicator]
            goal = target_rules.target_households(percent, denominator)
            status, on = target_rules.forecast(value, counts.get(f"{indicator}_ago", 0), goal, as_of, year)
            figure.target, figure.target_set_at, figure.target_households = float(percent), set_at, goal
            figure.gap, figure.forecast, figure.forecast_on = max(goal - value, 0), status, on
        progress.figures[indicator] = figure
    return progress


@dataclass
class PlaceReport:
    """A place's own figures and those of each child, furthest behind first."""

    place: Progress
    children: list[Progress]

    @property
    def started_children(self) -> list[Progress]:
        """Children with registered households or an official total."""
        return [c for c in self.children if c.registered or c.denominator_source == "baseline"]

    @property
    def idle_children(self) -> list[Progress]:
        """Children with neither households nor an official total yet (listed by name only)."""
        return [c for c in self.children if not c.registered and c.denominator_source == "registered"]


def children_of(place: Place) -> list[Place]:
    """Communes of a province, hamlets of a commune, nothing under a hamlet."""
    if place.kind == "hamlet":
        return []
    query = sa.select(Place).where(Place.parent_code == place.code, Place.deleted_at.is_(None))
    return list(db.session.scalars(query.order_by(Place.name)))


def _place_denominator(place: Place, counts: dict, entered: dict, children: list[Place]) -> tuple[int, str]:
    """Its own baseline; else, when some children have one, theirs summed; else registered households."""
    child_baselines = {c.code: entered[c.code] for c in children if entered.get(c.code)}
    if entered.get(place.code) or not child_baselines:
        return own_denominator(_sum_counts(list(counts.values())), entered.get(place.code))
    return summed_denominator(counts, child_baselines)


def place_report(place: Place, year: int, today: date | None = None) -> PlaceReport:
    """Figures of a place and its children for a year."""
    as_of = as_of_for(year, today)
    if place.kind == "province":  # added up from the per-commune counters, not counted row by row
        counts = counters.table_rows(db.session.connection(), communes_of(place), as_of, target_rules.PACE_DAYS)
    else:
        counts = count_rows(summaries_in(place), group_column(place), as_of)
    children = children_of(place)
    entered = target_rules.baselines([place.code, *[c.code for c in children]], year)
    rules = target_rules.targets([place, *children], year)
    rows = []
    for child in children:
        own = counts.get(child.code, {})
        rows.append(
            build_progress(child, own, year, as_of, own_denominator(own, entered.get(child.code)), rules[child.code])
        )
    if place.kind == "commune" and NO_HAMLET in counts:
        own = counts[NO_HAMLET]
        rows.append(build_progress(None, own, year, as_of, own_denominator(own, None), rules[place.code]))
    denominator = _place_denominator(place, counts, entered, children)
    total = build_progress(place, _sum_counts(list(counts.values())), year, as_of, denominator, rules[place.code])
    rows.sort(key=lambda p: (p.behind, p.name))
    return PlaceReport(total, rows)


def commune_progress(commune_codes: list[str], year: int, today: date | None = None) -> list[dict]:
    """Progress of each commune (JSON-ready), e.g. for the phone's home screen."""
    communes = list(
        db.session.scalars(sa.select(Place).where(Place.code.in_(list(commune_codes)), Place.kind == "commune"))
    )
    if not communes:
        return []
    as_of = as_of_for(year, today)
    codes = [c.code for c in communes]
    counts = count_rows(HouseholdSummary.commune_code.in_(codes), HouseholdSummary.commune_code, as_of)
    entered = target_rules.baselines([c.code for c in communes], year)
    rules = target_rules.targets(communes, year)
    progress = []
    for commune in sorted(communes, key=lambda c: c.code):
        own = counts.get(commune.code, {})
        denominator = own_denominator(own, entered.get(commune.code))
        progress.append(build_progress(commune, own, year, as_of, denominator, rules[commune.code]).to_dict())
    return progress
