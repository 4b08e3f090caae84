"""What goes on a label, in the label's language, from the public facts (so consent applies)."""

from flask_babel import force_locale
from flask_babel import gettext as _

from server import i18n
from server.labels.fit import Block
from server.labels.plan import LabelContent
from server.places.names import former_units
from server.public.codes import address_url, household_code, origin_url, public_domain
from server.public.facts import PlaceNames, address_facts, origin_facts
from server.text import nfc


def _province_line(places: PlaceNames) -> str:
    if not places.province_formerly:
        return places.province
    return _("%(province)s (formerly %(old)s)", province=places.province, old=" / ".join(places.province_formerly))


def address_content(household, language: str) -> LabelContent:
    """A household's digital-address label."""
    facts = address_facts(household)
    places = facts.places
    with force_locale(language):
        blocks = []
        if facts.head_name:
            blocks.append(Block(nfc(facts.head_name), "title", max_lines=2, priority=1))
        # Never dropped: without a name it is what tells one hamlet's labels apart.
        code = household_code(household.id)
        blocks.append(Block(_("Household %(code)s", code=code), "code", max_lines=1, priority=0, shorter=(code,)))
        if places.hamlet:
            blocks.append(Block(places.hamlet, "body", max_lines=1, priority=2))
        blocks.append(Block(places.commune, "body", max_lines=1, priority=1))
        blocks.append(Block(_province_line(places), "body", max_lines=2, priority=2))
        if facts.plus_code:
            blocks.append(Block(facts.plus_code, "body", max_lines=1, priority=1))
            short = _("%(code)s %(locality)s", code=facts.plus_code_short, locality=places.commune)
            blocks.append(Block(short, "small", max_lines=1, priority=3))
        if facts.vnpost_code:
            blocks.append(Block(_("VNPost %(code)s", code=facts.vnpost_code), "small", max_lines=1, priority=2))
        forms = former_units(places.commune_formerly)
        if forms:
            formerly = [_("Formerly: %(names)s", names=names) for names in forms]
            blocks.append(Block(formerly[0], "small", max_lines=2, priority=4, shorter=tuple(formerly[1:])))
    return LabelContent(address_url(household.id), [_nfc(b) for b in blocks], public_domain(), language)


def origin_content(lot, language: str) -> LabelContent:
    """A product-origin label for one lot."""
    product = lot.product
    facts = origin_facts(product, lot)
    with force_locale(language):
        blocks = [Block(facts.product_name, "title", max_lines=2, priority=1)]
        if facts.producer_name:
            blocks.append(Block(facts.producer_name, "body", max_lines=2, priority=2))
        blocks.append(Block(facts.places.commune, "body", max_lines=1, priority=2))
        if facts.ocop_stars:
            blocks.append(Block("OCOP", "body", max_lines=1, priority=1, stars=facts.ocop_stars))
        blocks.append(Block(_lot_line(facts), "small", max_lines=2, priority=1))
    return LabelContent(origin_url(product, lot.code), [_nfc(b) for b in blocks], public_domain(), language)


def _lot_line(facts) -> str:
    if facts.packed_on:
        return _("Lot %(code)s · packed %(date)s", code=facts.lot_code, date=i18n.date(facts.packed_on))
    if facts.harvested_on:
        return _("Lot %(code)s · harvested %(date)s", code=facts.lot_code, date=i18n.date(facts.harvested_on))
    return _("Lot %(code)s", code=facts.lot_code)


def _nfc(block: Block) -> Block:
    block.text = nfc(block.text) or ""
    block.shorter = tuple(nfc(text) or "" for text in block.shorter)
    return block
