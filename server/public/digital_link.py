"""GS1 Digital Link paths (/01/<GTIN>[/10/<lot>][/21/<serial>]) parsed strictly: bad syntax gets 400."""

from dataclasses import dataclass
from urllib.parse import quote

from server.products import gs1

# The key qualifiers of a GTIN this resolver understands, in the order GS1 Digital Link writes them.
_QUALIFIERS = {"10": ("lot", gs1.is_gs1_lot), "21": ("serial", gs1.is_gs1_serial)}


class MalformedLink(ValueError):
    """The path is not a valid Digital Link; `reason` says which part is wrong."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DigitalLink:
    """A parsed Digital Link: the GTIN-14 and, optionally, the lot and the serial number."""

    gtin: str
    lot: str | None = None
    serial: str | None = None

    @property
    def path(self) -> str:
        """The canonical path: GTIN-14, then lot, then serial, each percent-encoded."""
        path = f"/01/{self.gtin}"
        if self.lot is not None:
            path += "/10/" + quote(self.lot, safe="")
        if self.serial is not None:
            path += "/21/" + quote(self.serial, safe="")
        return path


def _gtin(text: str) -> str:
    if not text.isdigit() or not text.isascii():
        raise MalformedLink("gtin_characters")
    try:
        return gs1.normalise_gtin(text)
    except gs1.GtinError as error:
        raise MalformedLink("gtin_" + error.reason) from None


def parse(gtin_text: str, lot_text: str | None = None, serial_text: str | None = None) -> DigitalLink:
    """Check a GTIN (8, 12, 13 or 14 digits with a right check digit), a lot (AI 10) and a serial (AI 21)."""
    gtin = _gtin(gtin_text)
    # the router has already percent-decoded the path
    if lot_text is not None and not gs1.is_gs1_lot(lot_text):
        raise MalformedLink("lot")
    if serial_text is not None and not gs1.is_gs1_serial(serial_text):
        raise MalformedLink("serial")
    return DigitalLink(gtin, lot_text, serial_text)


def parse_path(rest: str) -> DigitalLink:
    """Parse what follows /01/: `<gtin>[/10/<lot>][/21/<serial>]`, one trailing slash tolerated."""
    if rest.endswith("/"):
        rest = rest[:-1]
    gtin_text, *pairs = rest.split("/")
    if len(pairs) % 2:
        raise MalformedLink("path")
    values: dict[str, str] = {}
    order = list(_QUALIFIERS)
    for ai, value in zip(pairs[::2], pairs[1::2], strict=True):
        if ai not in _QUALIFIERS:
            raise MalformedLink("ai")
        if order.index(ai) < max((order.index(seen) for seen in values), default=-1) or ai in values:
            raise MalformedLink("ai_order")
        values[ai] = value
    return parse(gtin_text, values.get("10"), values.get("21"))
