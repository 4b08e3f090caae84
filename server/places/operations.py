"""Reading and writing places."""

import sqlalchemy as sa
from flask_babel import gettext as _

from server.errors import NotFound, ValidationError
from server.extensions import db
from server.places.models import Place
from server.text import fold, nfc

KIND_ORDER = {"province": 0, "commune": 1, "hamlet": 2}


def children(parent_code: str | None) -> list[Place]:
    """Places directly under `parent_code` (provinces when None), in alphabetical order."""
    query = sa.select(Place).where(Place.deleted_at.is_(None))
    if parent_code:
        query = query.where(Place.parent_code == parent_code)
    else:
        query = query.where(Place.kind == "province")
    # search_text starts with the folded name: "Xã Tập Sơn" sorts before "Xã Trà Cú" as in Vietnamese.
    return list(db.session.scalars(query.order_by(Place.search_text, Place.code)))


def search(q: str, limit: int = 30, kind: str | None = None) -> list[Place]:
    """Places with a word starting with each word of q in their new or legacy names, diacritics ignored.

    Provinces come first, then communes, then hamlets; within each, the whole phrase in the
    current name, then in a legacy name, then the words scattered ("tra" also starts "trach").
    """
    words = fold(q).split()
    if not words:
        return []
    phrase = " ".join(words)
    spaced = sa.literal(" ") + Place.search_text
    query = sa.select(Place).where(Place.deleted_at.is_(None))
    for word in words:
        query = query.where(spaced.contains(" " + word, autoescape=True))
    if kind:
        query = query.where(Place.kind == kind)
    whole = sa.case((spaced.contains(" " + phrase, autoescape=True), 0), else_=1)
    kind_order = sa.case(KIND_ORDER, value=Place.kind)
    candidates = db.session.scalars(query.order_by(whole, kind_order, Place.search_text).limit(max(limit * 10, 300)))
    return sorted(candidates, key=lambda place: _rank(place, words, phrase))[:limit]


def _rank(place: Place, words: list[str], phrase: str) -> tuple:
    name = " " + fold(place.name)
    if " " + phrase in name:
        match = 0
    elif " " + phrase in " " + place.search_text:
        match = 1
    elif all(" " + word in name for word in words):
        match = 2
    else:
        match = 3
    return KIND_ORDER.get(place.kind, 3), match, place.search_text


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
    db.session.flush()
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
