"""Reading and writing places."""

import sqlalchemy as sa
from flask_babel import gettext as _

from server.errors import NotFound, ValidationError
from server.extensions import db
from server.places.models import Place
from server.text import fold, nfc


def children(parent_code: str | None) -> list[Place]:
    """Places directly under `parent_code` (provinces when None), by name."""
    query = sa.select(Place).where(Place.deleted_at.is_(None))
    if parent_code:
        query = query.where(Place.parent_code == parent_code)
    else:
        query = query.where(Place.kind == "province")
    return list(db.session.scalars(query.order_by(Place.name)))


def search(q: str, limit: int = 30, kind: str | None = None) -> list[Place]:
    """Places whose new or legacy name contains every word of q, diacritics ignored."""
    words = fold(q).split()
    if not words:
        return []
    query = sa.select(Place).where(Place.deleted_at.is_(None))
    for word in words:
        query = query.where(Place.search_text.contains(word, autoescape=True))
    if kind:
        query = query.where(Place.kind == kind)
    # Provinces first, then communes, then hamlets; a match on the current name before a legacy one.
    order = sa.case({"province": 0, "commune": 1, "hamlet": 2}, value=Place.kind)
    return list(db.session.scalars(query.order_by(order, Place.name).limit(limit)))


def add_hamlet(commune_code: str, name: str) -> Place:
    """Add a hamlet (ấp, thôn, phum, sóc) to a commune."""
    commune = db.session.get(Place, commune_code)
    if commune is None or commune.kind != "commune":
        raise NotFound(_("There is no commune with code %(code)s.", code=commune_code))
    name = nfc(name or "")
    if not name:
        raise ValidationError(_("Please enter the hamlet's name."), code="no_name")
    if len(name) > 200:
        raise ValidationError(_("The name is too long."), code="too_long")
    siblings = db.session.scalars(sa.select(Place).where(Place.parent_code == commune_code)).all()
    if any(fold(s.name) == fold(name) and s.deleted_at is None for s in siblings):
        raise ValidationError(_("This commune already has a hamlet named %(name)s.", name=name), code="duplicate")
    number = max([int(s.code.rsplit("-", 1)[1]) for s in siblings if "-" in s.code] or [0]) + 1
    hamlet = new_hamlet(commune, name, number)
    db.session.add(hamlet)
    db.session.commit()
    return hamlet


def new_hamlet(commune: Place, name: str, number: int) -> Place:
    """An unsaved hamlet row: code `<commune>-<number>`, searchable with its commune's names."""
    return Place(
        code=f"{commune.code}-{number:03d}",
        name=nfc(name),
        kind="hamlet",
        parent_code=commune.code,
        province_code=commune.province_code,
        legacy_names="",
        search_text=fold(name) + " | " + commune.search_text,
    )


def place_dump(place: Place) -> dict:
    """A place as the API shows it."""
    return {
        "code": place.code,
        "name": place.name,
        "kind": place.kind,
        "parent_code": place.parent_code,
        "province_code": place.province_code,
        "legacy_names": place.legacy_list,
    }
