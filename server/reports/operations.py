"""Writes of the reports domain: baselines and targets (flushed; the request commits)."""

from decimal import Decimal

import sqlalchemy as sa

from server.extensions import db
from server.models_base import utcnow
from server.places.models import Place
from server.reports.models import INDICATORS, Baseline, Target


def _set(row, model, values: dict, live: bool):
    """Create, update, revive or tombstone one row (unique keys include tombstones)."""
    if row is None and not live:
        return
    if row is None:
        row = model(**values)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.deleted_at = None if live else (row.deleted_at or utcnow())


def save_baseline_and_targets(place: Place, year: int, farm_households: int | None, targets: dict) -> None:
    """Store the place's official total and its own targets; blank ones are removed so the parent's apply."""
    baseline = db.session.scalar(sa.select(Baseline).where(Baseline.place_code == place.code, Baseline.year == year))
    values = {"place_code": place.code, "year": year}
    _set(baseline, Baseline, {**values, "farm_households": farm_households or 0}, farm_households is not None)
    existing = {
        t.indicator: t
        for t in db.session.scalars(sa.select(Target).where(Target.place_code == place.code, Target.year == year))
    }
    for indicator in INDICATORS:
        percent = targets.get(indicator)
        row_values = {**values, "indicator": indicator, "percent": Decimal(percent if percent is not None else 0)}
        _set(existing.get(indicator), Target, row_values, percent is not None)
    db.session.flush()
