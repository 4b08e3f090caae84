"""Finding what to print (always within the user's scope) and rendering it in a format."""

import sqlalchemy as sa
from flask_babel import gettext as _

from server.errors import NotFound, ValidationError
from server.extensions import db
from server.households.models import Household
from server.i18n import locale_code
from server.labels import raster, sheets, svg
from server.labels.content import address_content, origin_content
from server.labels.layouts import LAYOUTS, Layout
from server.labels.plan import LabelContent, plan_label
from server.places.models import Place
from server.products import operations as products

MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def household_for_label(scope, household_id) -> Household:
    """A live household in scope, or NotFound / Forbidden."""
    household = db.session.get(Household, household_id)
    if household is None or household.deleted_at is not None or household.erased_at is not None:
        raise NotFound()
    scope.require_commune(household.commune_code)
    return household


def lot_for_label(scope, lot_id):
    """A live lot in scope (through its product's producer)."""
    return products.get_lot(scope, lot_id)


def households_of_place(scope, place_code: str) -> tuple[Place, list[Household]]:
    """Every live household of a hamlet or commune in scope, by hamlet then name."""
    place = db.session.get(Place, place_code or "")
    if place is None or place.kind not in ("commune", "hamlet"):
        raise NotFound(_("There is no commune or hamlet with code %(code)s.", code=place_code))
    scope.require_commune(place.commune_code)
    column = Household.commune_code if place.kind == "commune" else Household.hamlet_code
    query = sa.select(Household).where(
        column == place.code,
        Household.deleted_at.is_(None),
        Household.erased_at.is_(None),
        Household.merged_into_id.is_(None),
    )
    return place, list(db.session.scalars(query.order_by(Household.hamlet_code, Household.head_name)))


def layout_named(key: str | None) -> Layout:
    """A layout by key, or a validation error naming the valid keys."""
    if key not in LAYOUTS:
        raise ValidationError(_("Unknown layout. Choose one of: %(keys)s.", keys=", ".join(LAYOUTS)), code="layout")
    return LAYOUTS[key]


def household_contents(households: list[Household], language: str | None) -> list[LabelContent]:
    """Address labels, each in the given language or else the household's own."""
    return [address_content(h, language or h.preferred_language or "vi") for h in households]


def lot_contents(lot, count: int, language: str | None) -> list[LabelContent]:
    """`count` identical origin labels of a lot."""
    return [origin_content(lot, language or locale_code())] * count


def render(contents: list[LabelContent], layout: Layout, fmt: str) -> bytes:
    """One label as PNG or SVG, or all of them as a PDF."""
    if fmt == "pdf":
        return sheets.pdf_bytes(contents, layout)
    plan = plan_label(contents[0], layout)
    return raster.png_bytes(plan) if fmt == "png" else svg.svg_text(plan).encode("utf-8")
