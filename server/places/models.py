"""Place: a province, commune or hamlet, with legacy names kept as aliases."""

import sqlalchemy as sa
from sqlalchemy import orm

from server.extensions import db
from server.models_base import Versioned

KINDS = ("province", "commune", "hamlet")


class Place(Versioned, db.Model):
    """One node of the place tree: province → commune → hamlet."""

    __tablename__ = "places"
    code = sa.Column(sa.String(24), primary_key=True)
    name = sa.Column(sa.String(200), nullable=False)
    kind = sa.Column(sa.String(16), nullable=False, index=True)
    parent_code = sa.Column(sa.String(24), sa.ForeignKey("places.code"), nullable=True, index=True)
    province_code = sa.Column(sa.String(24), nullable=False, index=True)
    # Names before the 2025 reform ("Xã Ngãi Xuyên, Huyện Trà Cú, Tỉnh Trà Vinh"), one per line.
    legacy_names = sa.Column(sa.Text, nullable=False, default="")
    # Name and legacy names folded (no diacritics, lower case) for search.
    search_text = sa.Column(sa.Text, nullable=False, default="")

    parent = orm.relationship("Place", remote_side=[code], backref="children")

    @property
    def legacy_list(self) -> list[str]:
        """Legacy names as a list."""
        return [n for n in self.legacy_names.splitlines() if n]

    @property
    def commune_code(self) -> str | None:
        """The commune this place is or lies in."""
        if self.kind == "commune":
            return self.code
        if self.kind == "hamlet":
            return self.parent_code
        return None

    def __repr__(self) -> str:
        return f"<Place {self.code} {self.name}>"
