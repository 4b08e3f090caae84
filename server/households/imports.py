"""Household lists: column titles and mapping, the ids of imported households, reading each cell.

Each row gets an id derived (with the server's secret) from its commune, folded name and phone,
so importing the same file again finds its own households and adds nothing.
"""

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _

from server.field_rules import FORMATS
from server.text import fold, nfc, normalise_phone

FIELDS = ("head_name", "phone", "commune", "hamlet", "preferred_language", "smartphone", "vnpost_code")
REQUIRED = ("head_name",)
HEADER_ROWS = 8  # the column titles are looked for among the first rows
_PUNCTUATION = re.compile(r"[/\\|,;:.()\[\]_*#+-]+")
# Folded column titles seen in provincial lists, per field.
HEADER_WORDS = {
    "head_name": ("ho ten", "ten chu ho", "chu ho", "ho va ten", "name", "head", "ឈ្មោះ"),
    "phone": ("dien thoai", "sdt", "so dt", "phone", "mobile", "ទូរស័ព្ទ"),
    "commune": ("xa", "phuong", "commune", "ward", "ឃុំ"),
    "hamlet": ("ap", "thon", "ban", "phum", "soc", "hamlet", "village", "ភូមិ"),
    "preferred_language": ("ngon ngu", "language", "ភាសា"),
    "smartphone": ("smartphone", "dien thoai thong minh", "dtdd thong minh", "ស្មាតហ្វូន"),
    "vnpost_code": ("vnpost", "ma dia chi", "dia chi so"),
}
YES = {"co", "yes", "x", "1", "true", "មាន"}
NO = {"khong", "no", "0", "false", "គ្មាន", "អត់"}
LANGUAGE_WORDS = {
    "vi": ("vi", "viet", "tieng viet", "kinh"),
    "km": ("km", "khmer", "tieng khmer", "ខ្មែរ"),
    "en": ("en", "english", "tieng anh"),
}


def _title_words(title: str) -> str:
    """A column title folded, with slashes and punctuation as spaces ("Xã/Phường" → " xa phuong ")."""
    return " " + _PUNCTUATION.sub(" ", fold(title)).strip() + " "


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Field → column index from the column titles; the longest matching title word wins."""
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        padded = _title_words(title)
        matches = [(len(w), name) for name, words in HEADER_WORDS.items() for w in words if f" {w} " in padded]
        for _length, name in sorted(matches, reverse=True):
            if name not in mapping:
                mapping[name] = index
                break
    return mapping


def split_header(rows: list[list[str]]) -> tuple[list[str], int]:
    """The column titles and how many rows they take.

    Lists often start with a title line ("DANH SÁCH HỘ …") and put titles under a merged cell
    ("Địa chỉ" over "Xã/Phường" and "Ấp/Sóc"): the titles are the row, or two rows read
    together, among the first ones, in which the most columns are recognised.
    """
    best, best_score = (rows[0] if rows else [], 1), 0
    for start in range(min(HEADER_ROWS, len(rows))):
        one = rows[start]
        candidates = [(one, 1)]
        if start + 1 < len(rows):
            candidates.append(([f"{a} {b}".strip() for a, b in zip(one, rows[start + 1], strict=True)], 2))
        for titles, height in candidates:
            mapping = guess_mapping(titles)
            score = len(mapping) + (len(FIELDS) if "head_name" in mapping else 0)
            if height == 2 and rows[start + 1][mapping.get("head_name", 0)].strip():
                continue  # a name under the titles: that row is a household, not more titles
            if score > best_score:
                best, best_score = (titles, start + height), score
    return [nfc(title) or "" for title in best[0]], best[1]


def household_id(commune_code: str, name: str, phone: str | None) -> uuid.UUID:
    """The id a row's household gets: the same row always gives the same id on this server.

    Keyed with the server's secret, so nobody can tell from a name and phone whether, and under
    which id, a person is registered.
    """
    secret = hmac.new(current_app.config["SECRET_KEY"].encode(), b"household import ids", hashlib.sha256).digest()
    natural = f"{commune_code}|{fold(name)}|{phone or ''}".encode()
    return uuid.UUID(bytes=hmac.new(secret, natural, hashlib.sha256).digest()[:16], version=4)


@dataclass
class RowCheck:
    """What the dry run found for one line of the file."""

    line: int
    name: str
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    duplicate_of: str | None = None  # a household name or "line N"
    already_imported: bool = False
    new_hamlet: str | None = None

    @property
    def importable(self) -> bool:
        """No error and not already in the database."""
        return not self.errors and not self.already_imported


def parse_smartphone(text: str) -> str | None:
    """yes / no / unknown from the words lists use, or None when it cannot be read."""
    folded = fold(text)
    if not folded or folded in ("?", "khong ro", "unknown"):
        return "unknown"
    return "yes" if folded in YES else "no" if folded in NO else None


def parse_language(text: str) -> str | None:
    """vi / km / en (Vietnamese when blank), or None when it cannot be read."""
    folded = fold(text)
    if not folded:
        return "vi"
    return next((code for code, words in LANGUAGE_WORDS.items() if folded in words), None)


def parse_phone(text: str) -> tuple[str | None, bool]:
    """(0xxxxxxxxx or None, whether the value is acceptable)."""
    if not text.strip():
        return None, True
    digits = normalise_phone(text)
    if digits and len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits  # spreadsheets drop the leading zero of numbers
    return digits, bool(digits) and FORMATS["phone"].matches(digits)


def cell(row: list[str], mapping: dict[str, int], name: str) -> str:
    """The text of a mapped column (blank when not mapped)."""
    index = mapping.get(name)
    return (row[index] if index is not None and index < len(row) else "").strip()


def reasons() -> dict[str, str]:
    """Translated reasons a row is refused."""
    return {
        "no_name": _("The name of the head of household is missing."),
        "long_name": _("The name is longer than 200 characters."),
        "phone": _("The phone number should have 10 digits and start with 0."),
        "commune": _("Unknown commune, or not one of yours."),
        "commune_shared": _(
            "Several communes have had this name: add the district as well, as in “Xã Tân Sơn, Huyện Trà Cú”."
        ),
        "hamlet": _("Unknown hamlet in this commune."),
        "smartphone": _("Smartphone should be yes, no or empty."),
        "language": _("Language should be Vietnamese, Khmer or English."),
        "vnpost": _("The VNPost code has 10 digits."),
    }
