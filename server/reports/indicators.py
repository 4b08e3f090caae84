"""Indicator figures for a place and year: values, percentages, targets, gaps and forecasts.

Counting is done by the database (GROUP BY over `household_dates`); Python only turns
the few grouped rows into figures.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from server.extensions import db
from server.households.models import PLATFORMS, Household
from server.places.models import Place
from server.reports import targets as target_rules
from server.reports.household_dates import household_dates
from server.reports.models import INDICATORS

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
    denominator_source: str  # baseline | registered
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


def households_in(place: Place):
    """SQL condition: households of a province, commune or hamlet."""
    if place.kind == "province":
        # A literal list lets the planner estimate the rows from column statistics.
        communes = db.session.scalars(
            sa.select(Place.code).where(Place.parent_code == place.code, Place.kind == "commune")
        )
        return Household.commune_code.in_(list(communes))
    if place.kind == "commune":
        return Household.commune_code == place.code
    return Household.hamlet_code == place.code


def group_column(place: Place):
    """The column that splits a place into its children."""
    if place.kind == "province":
        return Household.commune_code
    return sa.func.coalesce(Household.hamlet_code, NO_HAMLET)


def count_rows(where, group, as_of: date) -> dict[str, dict]:
    """{group: {registered, orders, <indicator>, <indicator>_ago, platform_<p>}} in one query."""
    dates = household_dates(where, group, as_of)
    on = sa.literal(as_of, sa.Date)
    ago = sa.literal(as_of - timedelta(days=target_rules.PACE_DAYS), sa.Date)
    columns = [dates.c.grp, sa.func.count().label("registered"), sa.func.sum(dates.c.orders).label("orders")]
    for indicator in INDICATORS:
        column = dates.c[indicator]
        columns.append(sa.func.count(sa.case((column <= on, 1))).label(indicator))
        columns.append(sa.func.count(sa.case((column <= ago, 1))).label(f"{indicator}_ago"))
    columns += [sa.func.sum(dates.c[f"platform_{p}"]).label(f"platform_{p}") for p in PLATFORMS]
    rows = db.session.execute(sa.select(*columns).group_by(dates.c.grp)).mappings()
    return {row["grp"]: {k: int(v or 0) for k, v in row.items() if k != "grp"} for row in rows}


def _sum_counts(counts: list[dict]) -> dict:
    total: dict[str, int] = {}
    for row in counts:
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
    return total


def build_progress(place, counts: dict, year: int, as_of: date, baseline: int | None, place_targets: dict):
    """Figures of one place from its counts, its baseline (or registered households) and targets."""
    registered = counts.get("registered", 0)
    denominator = baseline if baseline else registered
    progress = Progress(
        code=place.code if place else NO_HAMLET,
        name=place.name if place else "",
        kind=place.kind if place else "hamlet",
        year=year,
        as_of=as_of,
        registered=registered,
        denominator=denominator,
        denominator_source="baseline" if baseline else "registered",
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


def place_report(place: Place, year: int, today: date | None = None) -> PlaceReport:
    """Figures of a place and its children for a year."""
    as_of = as_of_for(year, today)
    counts = count_rows(households_in(place), group_column(place), as_of)
    children = children_of(place)
    codes = [place.code, *[c.code for c in children]]
    entered = target_rules.baselines(codes, year)
    rules = target_rules.targets([place, *children], year)
    rows = [
        build_progress(c, counts.get(c.code, {}), year, as_of, entered.get(c.code), rules[c.code]) for c in children
    ]
    if place.kind == "commune" and NO_HAMLET in counts:
        rows.append(build_progress(None, counts[NO_HAMLET], year, as_of, None, rules[place.code]))
    total = build_progress(
        place, _sum_counts(list(counts.values())), year, as_of, entered.get(place.code), rules[place.code]
    )
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
    counts = count_rows(Household.commune_code.in_([c.code for c in communes]), Household.commune_code, as_of)
    entered = target_rules.baselines([c.code for c in communes], year)
    rules = target_rules.targets(communes, year)
    return [
        build_progress(c, counts.get(c.code, {}), year, as_of, entered.get(c.code), rules[c.code]).to_dict()
        for c in sorted(communes, key=lambda c: c.code)
    ]
