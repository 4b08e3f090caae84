"""Public codes in label URLs, and the URLs themselves.

A household's public address code is its record UUID written in lower-case
Crockford base32 (26 characters). It is stable for the life of the record, needs
no extra column, cannot be guessed (UUIDv7 carries 74 random bits, so nobody can
walk through published addresses), and avoids letters that are easy to misread
(i, l, o, u). The same encoding shortens product ids in `/p/<product>/<lot>`.

A household code is the short form people read off an address label ("K7M-4QXR"):
seven characters of the same alphabet taken from a hash of the record id, so it
needs no column, is the same on the phone (pwa/js/public-code.js), carries no
personal data and gives away nothing of the address code. 35 bits: two households
of one commune share a code about once in 7,000 communes of 5,000 households.
"""

import uuid
from urllib.parse import quote

from flask import current_app

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_VALUES = {ch: i for i, ch in enumerate(_ALPHABET)}
_VALUES.update({"i": 1, "l": 1, "o": 0})
CODE_LENGTH = 26


def public_code(record_id: uuid.UUID) -> str:
    """The 26-character public code of a record id."""
    value = record_id.int
    chars = []
    for _ in range(CODE_LENGTH):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


HOUSEHOLD_CODE_LENGTH = 7
_MASK64 = (1 << 64) - 1


def _mix(record_id: uuid.UUID) -> int:
    """FNV-1a over the id's 16 bytes, then MurmurHash3's finaliser so every bit counts."""
    value = 0xCBF29CE484222325
    for byte in record_id.bytes:
        value = ((value ^ byte) * 0x100000001B3) & _MASK64
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & _MASK64
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & _MASK64
    return value ^ (value >> 33)


def household_code(record_id: uuid.UUID) -> str:
    """The short code printed on a household's address label, e.g. "K7M-4QXR"."""
    value = _mix(record_id) >> (64 - 5 * HOUSEHOLD_CODE_LENGTH)
    chars = [_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(HOUSEHOLD_CODE_LENGTH))]
    code = "".join(chars).upper()
    return f"{code[:3]}-{code[3:]}"


def record_id(code: str) -> uuid.UUID | None:
    """The record id a public code stands for, or None when it is not one."""
    code = (code or "").strip().lower()
    if len(code) != CODE_LENGTH or any(ch not in _VALUES for ch in code):
        return None
    value = 0
    for ch in code:
        value = value << 5 | _VALUES[ch]
    if value >> 128:
        return None
    return uuid.UUID(int=value)


def base_url() -> str:
    """PUBLIC_BASE_URL without a trailing slash."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def public_domain() -> str:
    """The host printed under every QR code, so people can type it and spot fakes."""
    return base_url().split("://", 1)[-1]


def address_url(household_id: uuid.UUID) -> str:
    """The address page a household label points to."""
    return f"{base_url()}/a/{public_code(household_id)}"


def origin_url(product, lot_code: str) -> str:
    """The origin URI of a lot: a GS1 Digital Link with a GTIN, else our own /p/ path."""
    lot = quote(lot_code, safe="")
    if product.gtin:
        return f"{base_url()}/01/{product.gtin}/10/{lot}"
    return f"{base_url()}/p/{public_code(product.id)}/{lot}"
