"""Who may see what: a supervisor sees the subtree of their places, a trainer their communes."""

from dataclasses import dataclass

import sqlalchemy as sa

from server.errors import Forbidden
from server.extensions import db
from server.places.models import Place


@dataclass(frozen=True)
class Scope:
    """The communes a user may read and write; `everything` for admins."""

    everything: bool
    communes: frozenset[str]
    roots: frozenset[str]

    def covers_commune(self, code: str | None) -> bool:
        """Whether records of this commune are in scope."""
        return self.everything or (code is not None and code in self.communes)

    def covers_place(self, place: Place | None) -> bool:
        """Whether a province, commune or hamlet lies in scope (a province only if whole)."""
        if place is None:
            return False
        if self.everything:
            return True
        if place.kind == "province":
            return place.code in self.roots
        return self.covers_commune(place.commune_code)

    def commune_filter(self, column):
        """A SQL condition restricting `column` (a commune code) to the scope."""
        if self.everything:
            return sa.true()
        return column.in_(sorted(self.communes))

    def manages(self, user) -> bool:
        """Whether a user's whole scope lies inside this one: only then are they ours to manage
        (their phones, their account). Admins manage everyone; nobody but an admin manages an
        admin or a user with no place."""
        if self.everything:
            return True
        if user.role == "admin" or not user.places:
            return False
        return all(self.covers_place(place) for place in user.places)

    def require_commune(self, code: str | None) -> None:
        """Raise Forbidden unless the commune is in scope."""
        if not self.covers_commune(code):
            raise Forbidden()


def scope_for(user) -> Scope:
    """Compute a user's scope from their role and assigned places."""
    if user.role == "admin":
        return Scope(True, frozenset(), frozenset())
    codes = {p.code for p in user.places}
    communes = set()
    provinces = [p.code for p in user.places if p.kind == "province"]
    if user.role == "supervisor" and provinces:
        communes.update(
            db.session.scalars(sa.select(Place.code).where(Place.kind == "commune", Place.parent_code.in_(provinces)))
        )
    # A hamlet (which the user forms no longer accept) gives nothing: records are in scope by
    # commune, and a hamlet's user must not see the rest of its commune.
    communes.update(place.code for place in user.places if place.kind == "commune")
    roots = frozenset(provinces if user.role == "supervisor" else ()) | frozenset(codes)
    return Scope(False, frozenset(communes), roots)
