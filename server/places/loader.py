"""Load the official post-2025 place list from the vietnam-provinces package."""

import sqlalchemy as sa
from vietnam_provinces import Province, Ward
from vietnam_provinces.legacy import base as legacy

from server.extensions import db
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
    """Every province and commune of the official list as plain dicts."""
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
    return rows


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
    existing = {code for (code,) in db.session.execute(sa.select(Place.code))}
    added = 0
    for row in official_places():
        if row["code"] in existing:
            place = db.session.get(Place, row["code"])
            for key, value in row.items():
                if getattr(place, key) != value:
                    setattr(place, key, value)
        else:
            db.session.add(Place(**row))
            added += 1
    db.session.commit()
    return added
