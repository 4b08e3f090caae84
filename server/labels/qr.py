"""QR symbols for labels: error correction M, whole printer dots per module, 4-module quiet zone."""

import math

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_MODULES = 4
MIN_MODULE_MM = 0.4  # phones read 0.4 mm modules reliably from a normal distance


def matrix(uri: str) -> list[list[bool]]:
    """The QR modules for a URI (True is dark), without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    code.add_data(uri.encode("utf-8"))
    code.make(fit=True)
    return code.get_matrix()


def module_dots(modules: int, space_px: int) -> int:
    """The largest whole number of dots per module that fits the space with the quiet zone.

    Raises ValueError when not even one dot per module fits. A module smaller than
    MIN_MODULE_MM is accepted only when the label leaves no room for more.
    """
    dots = space_px // (modules + 2 * QUIET_MODULES)
    if dots < 1:
        raise ValueError("The QR code does not fit on this label.")
    return dots


def min_module_dots(px_per_mm: float) -> int:
    """Dots per module needed for MIN_MODULE_MM at this resolution."""
    return math.ceil(MIN_MODULE_MM * px_per_mm - 1e-9)
