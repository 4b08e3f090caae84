"""Public codes in label URLs, and the URLs themselves.

A household's public address code is its record UUID written in lower-case
Crockford base32 (26 characters). It is stable for the life of the record, needs
no extra column, cannot be guessed (UUIDv7 carries 74 random bits, so nobody can
walk through published addresses), and avoids letters that are easy to misread
(i, l, o, u). The same encoding shortens product ids in `/p/<product>/<lot>`.
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
