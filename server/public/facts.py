"""What may be shown about a household or a lot in public: the one place that applies consent.

Labels and public pages both read these facts, so a field hidden on the page is
never printed on a sticker either.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from openlocationcode import openlocationcode as olc

from server.households.models import Household
from server.places.models import Place
from server.products.models import Lot
from server.text import fold


@dataclass
class PlaceNames:
    """Hamlet, commune and province, with the names used before the 2025 reform."""

    hamlet: str | None
    commune: str
    province: str
    province_formerly: list[str] = field(default_factory=list)
    commune_formerly: list[str] = field(default_factory=list)


@dataclass
class AddressFacts:
    """A household's public address; personal fields are None without consent."""

    head_name: str | None
    places: PlaceNames
    plus_code: str | None = None
    plus_code_short: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    vnpost_code: str | None = None


@dataclass
class OriginFacts:
    """What a lot's origin page and label show."""

    product_name: str
    category: str | None
    producer_name: str | None
    producer_phone: str | None
    places: PlaceNames
    ocop_stars: int | None
    ocop_certificate: str | None
    ocop_year: int | None
    certifications: list[dict]
    marketplace_links: list[dict]
    lot_code: str | None
    harvested_on: date | None = None
    packed_on: date | None = None


def place_names(commune: Place, hamlet: Place | None) -> PlaceNames:
    """Names for a commune (and hamlet); the province's old names are those of this commune's past."""
    province = commune.parent
    old_provinces = province.legacy_list if province else []
    return PlaceNames(
        hamlet=hamlet.name if hamlet else None,
        commune=commune.name,
        province=province.name if province else "",
        province_formerly=list(_former_provinces(tuple(old_provinces), tuple(commune.legacy_list))),
        commune_formerly=commune.legacy_list,
    )


@lru_cache(maxsize=4096)
def _former_provinces(old_provinces: tuple[str, ...], commune_past: tuple[str, ...]) -> tuple[str, ...]:
    """The province's old names found in the commune's own past names, else all of them.

    Kept by the names themselves (they change only when the places are loaded again): folding
    them was a tenth of an origin page's own Python."""
    past = fold(" ".join(commune_past))
    matching = tuple(name for name in old_provinces if fold(name) in past)
    return matching or old_provinces


def plus_codes(latitude: float, longitude: float) -> tuple[str, str]:
    """Full Plus Code (10 digits, about 14 m) and the short form used with the commune's name.

    The short form drops the first four digits, as maps do: anyone within about
    50 km of the commune recovers the full code from it and the place name.
    """
    full = olc.encode(latitude, longitude)
    return full, full[4:]


def address_facts(household: Household) -> AddressFacts:
    """The public address of a household, with only what it consented to.

    Consenting to "location" lets the programme record where the home is; showing it to anyone
    who scans the label needs the publishing consent as well.
    """
    publishes = household.has_consent("publish")
    facts = AddressFacts(
        head_name=household.head_name if publishes else None,
        places=place_names(household.commune, household.hamlet),
    )
    located = household.latitude is not None and household.longitude is not None
    if located and publishes and household.has_consent("location"):
        facts.plus_code, facts.plus_code_short = plus_codes(household.latitude, household.longitude)
        facts.latitude, facts.longitude = household.latitude, household.longitude
        facts.vnpost_code = household.vnpost_code or None
    return facts


def _household_publishes(producer) -> bool:
    return producer.household is not None and producer.household.has_consent("publish")


def shop_links(product) -> list[dict]:
    """The product's marketplace links that are https:// addresses (never javascript: or data: ones)."""
    links = product.marketplace_links or []
    return [link for link in links if urlsplit(str(link.get("url") or "")).scheme == "https"]


def origin_facts(product, lot: Lot | None) -> OriginFacts:
    """The public origin of a product (and lot); a household producer's name needs its consent."""
    producer = product.producer
    is_household = producer.kind == "household"
    named = not is_household or _household_publishes(producer)
    return OriginFacts(
        product_name=product.name,
        category=product.category,
        producer_name=producer.name if named else None,
        producer_phone=producer.phone if not is_household and producer.publish_contact else None,
        places=place_names(producer.commune, producer.hamlet if named else None),
        ocop_stars=product.ocop_stars,
        ocop_certificate=product.ocop_certificate,
        ocop_year=product.ocop_year,
        certifications=list(product.certifications or []),
        # The product form accepts only https:// links; a link stored any other way is not published.
        marketplace_links=shop_links(product),
        lot_code=lot.code if lot else None,
        harvested_on=lot.harvested_on if lot else None,
        packed_on=lot.packed_on if lot else None,
    )
