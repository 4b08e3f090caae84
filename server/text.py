"""Text normalisation shared by search, import and labels."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Zero-width and direction-control characters: invisible, they make look-alike names and
# reorder what is shown ("Trojan Source"). Names lose them before they are stored or searched.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


# The Latin combining marks (combining characters below U+0370), as one character class.
_LATIN_MARKS = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x0370) if unicodedata.combining(chr(c))) + "]"
)


def strip_invisible(value: str) -> str:
    """Text without zero-width and direction-control characters."""
    return INVISIBLE.sub("", value)


def nfc(value: str | None) -> str | None:
    """Return text in NFC with outer spaces trimmed and inner runs collapsed."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str | None) -> str:
    """Lower-case text without Vietnamese diacritics, for search that ignores them."""
    if not value:
        return ""
    text = unicodedata.normalize("NFD", strip_invisible(value).replace("đ", "d").replace("Đ", "D"))
    # Strip Latin combining marks only: Khmer vowel signs are letters, not accents.
    text = _LATIN_MARKS.sub("", text)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()


def normalise_phone(value: str | None) -> str | None:
    """Vietnamese phone number as 0xxxxxxxxx digits, or None when there are none."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits or None
