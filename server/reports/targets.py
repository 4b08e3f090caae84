"""Baselines (official denominators) and targets, with targets inherited down the place tree."""

import math
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from server.extensions import db
from server.places.models import Place
from server.reports.models import Baseline, Target

PACE_DAYS = 90


def ancestors(place: Place) -> list[Place]:
    """The place, its parent, its grandparent (hamlet → commune → province)."""
    chain = []
    while place is not None and len(chain) < 4:
        chain.append(place)
        place = place.parent
    return chain


def baselines(codes: list[str], year: int) -> dict[str, int]:
    """Official farm-household totals entered for these places and year."""
    rows = db.session.execute(
        sa.select(Baseline.place_code, Baseline.farm_households).where(
            Baseline.place_code.in_(codes), Baseline.year == year, Baseline.deleted_at.is_(None)
        )
    )
    return {code: total for code, total in rows}


def targets(places: list[Place], year: int) -> dict[str, dict[str, tuple[Decimal, str]]]:
    """For each place, {indicator: (percent, code of the place that set it)}, nearest ancestor first."""
    chains = {place.code: ancestors(place) for place in places}
    codes = {p.code for chain in chains.values() for p in chain}
    rows = db.session.execute(
        sa.select(Target.place_code, Target.indicator, Target.percent).where(
            Target.place_code.in_(codes), Target.year == year, Target.deleted_at.is_(None)
        )
    )
    own: dict[str, dict[str, Decimal]] = {}
    for code, indicator, percent in rows:
        own.setdefault(code, {})[indicator] = Decimal(percent)
    resolved = {}
    for code, chain in chains.items():
        found: dict[str, tuple[Decimal, str]] = {}
        for link in reversed(chain):  # province first, so nearer places override
            for indicator, percent in own.get(link.code, {}).items():
                found[indicator] = (percent, link.code)
        resolved[code] = found
    return resolved


def target_households(percent: Decimal, denominator: int) -> int:
    """How many households the target percentage means for this denominator."""
    return math.ceil(Decimal(denominator) * percent / 100)


def forecast(value: int, value_ago: int, goal: int, as_of: date, year: int) -> tuple[str, date | None]:
    """("reached" | "on_track" with the date | "not_this_year") at the pace of the last 90 days."""
    if value >= goal:
        return "reached", None
    gained = value - value_ago
    year_end = date(year, 12, 31)
    if gained <= 0 or as_of >= year_end:
        return "not_this_year", None
    days = math.ceil((goal - value) * PACE_DAYS / gained)
    reached_on = as_of + timedelta(days=days)
    if reached_on > year_end:
        return "not_this_year", None
    return "on_track", reached_on
