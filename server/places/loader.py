"""Load the official post-2025 place list from the vietnam-provinces package."""

import functools

import sqlalchemy as sa
from vietnam_provinces import Province, Ward
from vietnam_provinces.legacy import base as legacy

from server.extensions import db
from server.models_base import next_versions, utcnow
from server.places.models import Place
from server.text import fold


def _legacy_commune_names(ward: Ward) -> list[str]:
    names = []
    for old in ward.get_legacy_sources():
        district = legacy.District.from_code(old.district_code)
        province = legacy.Province.from_code(old.province_code)
        names.append(f"{old.name}, {district.name}, {province.name}")
    return names


def official_places() -> list[dict]:
    """Every province and commune of the official list as plain dicts (fresh copies)."""
    return [dict(row) for row in _official_rows()]


@functools.cache
def _official_rows() -> tuple[dict, ...]:
    # The package's list is fixed for a release; building it once per process is enough.
    rows = []
    for province in Province.iter_all():
        code = f"{int(province.code):02d}"
        old = [p.name for p in province.get_legacy_sources() if p.name != province.name]
        rows.append(_row(code, province.name, "province", None, code, old))
    for ward in Ward.iter_all():
        province_code = f"{int(ward.province_code):02d}"
        rows.append(
            _row(
                f"{int(ward.code):05d}",
                ward.name,
                "commune",
                province_code,
                province_code,
                _legacy_commune_names(ward),
            )
        )
    return tuple(rows)


def _row(code, name, kind, parent, province, legacy_names):
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "parent_code": parent,
        "province_code": province,
        "legacy_names": "\n".join(legacy_names),
        "search_text": " | ".join(fold(n) for n in [name, *legacy_names]),
    }


def load_official_places() -> int:
    """Insert or refresh provinces and communes; returns how many were added."""
    existing = {place.code: place for place in db.session.scalars(sa.select(Place).where(Place.kind != "hamlet"))}
    new_rows = []
    for row in official_places():
        place = existing.get(row["code"])
        if place is None:
            new_rows.append(row)
            continue
        for key, value in row.items():
            if getattr(place, key) != value:
                setattr(place, key, value)
    if new_rows:
        # Thousands of rows: one bulk insert, with versions taken from the counter as any change would.
        now = utcnow()
        for row, version in zip(new_rows, next_versions(db.session, len(new_rows)), strict=True):
            row.update(version=version, created_at=now, updated_at=now, deleted_at=None)
        db.session.execute(sa.insert(Place.__table__), new_rows)
    db.session.commit()  # loaded by a command or the demo loader, each its own unit of work
    return len(new_rows)
