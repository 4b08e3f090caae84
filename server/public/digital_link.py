"""GS1 Digital Link paths (/01/<GTIN>/10/<lot>) parsed strictly: a resolver answers bad syntax with 400."""

from dataclasses import dataclass

from server.products import gs1


class MalformedLink(ValueError):
    """The path is not a valid Digital Link; `reason` says which part is wrong."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DigitalLink:
    """A parsed Digital Link: the GTIN-14 and, optionally, the lot."""

    gtin: str
    lot: str | None


def parse(gtin_text: str, lot_text: str | None) -> DigitalLink:
    """Check a GTIN (8, 12, 13 or 14 digits with a right check digit) and a lot (AI 10)."""
    if not gtin_text.isdigit() or not gtin_text.isascii():
        raise MalformedLink("gtin_characters")
    try:
        gtin = gs1.normalise_gtin(gtin_text)
    except gs1.GtinError as error:
        raise MalformedLink("gtin_" + error.reason) from None
    lot = None
    if lot_text is not None:
        lot = lot_text  # the router has already percent-decoded the path
        if not gs1.is_gs1_lot(lot):
            raise MalformedLink("lot")
    return DigitalLink(gtin, lot)
