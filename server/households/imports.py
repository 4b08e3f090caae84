"""Household lists from XLSX or CSV: reading, column mapping, checking each row, and the import itself.

Each row gets an id derived from its commune, folded name and phone, so importing the same
file again finds its own households and adds nothing.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import load_workbook

from server.field_rules import FORMATS
from server.text import fold, nfc, normalise_phone

FIELDS = ("head_name", "phone", "commune", "hamlet", "preferred_language", "smartphone", "vnpost_code")
REQUIRED = ("head_name",)
NAMESPACE = uuid.UUID("6f1c8a52-3c1e-4f4e-9d7a-2a9f1b0e7c11")  # fixed: ids must not change between runs
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


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows (as text) of the first sheet of an XLSX file or of a CSV file."""
    if filename.lower().endswith(".xlsx"):
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = [["" if v is None else str(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    else:
        text = _decode(data)
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
        rows = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return [], []
    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    return [nfc(h) or "" for h in padded[0]], padded[1:]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")  # Vietnamese Windows code page


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Field → column index from the column titles; the longest matching title word wins."""
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        padded = f" {fold(title)} "
        matches = [(len(w), name) for name, words in HEADER_WORDS.items() for w in words if f" {w} " in padded]
        for _length, name in sorted(matches, reverse=True):
            if name not in mapping:
                mapping[name] = index
                break
    return mapping


def household_id(commune_code: str, name: str, phone: str | None) -> uuid.UUID:
    """The id a row's household gets: the same row always gives the same id."""
    return uuid.uuid5(NAMESPACE, f"{commune_code}|{fold(name)}|{phone or ''}")


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
        "hamlet": _("Unknown hamlet in this commune."),
        "smartphone": _("Smartphone should be yes, no or empty."),
        "language": _("Language should be Vietnamese, Khmer or English."),
        "vnpost": _("The VNPost code has 10 digits."),
    }
