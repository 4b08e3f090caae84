"""Which places a user may open on the dashboard."""

import sqlalchemy as sa

from server.auth.scope import Scope
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.places.models import Place


def visible_place(code: str | None, scope: Scope) -> Place:
    """The place with this code, or Forbidden/NotFound when it is unknown or out of scope."""
    place = db.session.get(Place, code) if code else None
    if place is None or place.deleted_at is not None:
        raise NotFound()
    if not scope.covers_place(place):
        raise Forbidden()
    return place


def starting_places(scope: Scope) -> list[Place]:
    """Where a user's dashboard starts: every province for admins, else their whole provinces and communes."""
    if scope.everything:
        query = sa.select(Place).where(Place.kind == "province")
    else:
        communes = sorted(scope.communes)
        whole = [code for code in scope.roots if code not in communes]
        query = sa.select(Place).where(
            sa.or_(
                sa.and_(Place.kind == "province", Place.code.in_(whole)),
                sa.and_(Place.kind == "commune", Place.code.in_(communes), Place.parent_code.not_in(whole)),
            )
        )
    return list(db.session.scalars(query.where(Place.deleted_at.is_(None)).order_by(Place.kind.desc(), Place.name)))


def breadcrumb(place: Place, scope: Scope) -> list[Place]:
    """The place's ancestors the user may open, top first."""
    chain = []
    parent = place.parent
    while parent is not None:
        if scope.covers_place(parent):
            chain.insert(0, parent)
        parent = parent.parent
    return chain
