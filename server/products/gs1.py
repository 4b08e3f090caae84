"""GS1 identifiers: GTIN check digits and lot codes (application identifier 10)."""

import re

GTIN_LENGTHS = (8, 12, 13, 14)
# GS1 "AI encodable character set 82", the characters a lot (AI 10) may hold.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")
# What we let people type for a lot: safe in a URL path without escaping and a subset of set 82.
_LOT_INPUT = re.compile(r"[A-Za-z0-9._-]{1,20}")


class GtinError(ValueError):
    """A GTIN that is not valid; `reason` is one of "characters", "length", "check_digit"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_digit(body: str) -> int:
    """The mod-10 check digit for the digits before it (weights 3, 1, 3, ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalise_gtin(text: str) -> str:
    """A GTIN-8/12/13/14 (spaces and hyphens allowed) as GTIN-14; raises GtinError."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not digits.isdigit() or not digits.isascii():
        raise GtinError("characters")
    if len(digits) not in GTIN_LENGTHS:
        raise GtinError("length")
    if check_digit(digits[:-1]) != int(digits[-1]):
        raise GtinError("check_digit")
    return digits.zfill(14)


def is_gs1_lot(value: str) -> bool:
    """Whether a lot code fits AI 10: 1 to 20 characters of GS1 character set 82."""
    return bool(_CSET82.fullmatch(value or ""))


def is_gs1_serial(value: str) -> bool:
    """Whether a serial number fits AI 21: like a lot, 1 to 20 characters of set 82."""
    return bool(_CSET82.fullmatch(value or ""))


def is_typed_lot(value: str) -> bool:
    """Whether a lot code typed on our forms is acceptable (letters, digits, - . _)."""
    return bool(_LOT_INPUT.fullmatch(value or ""))
