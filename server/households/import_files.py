"""Reading an uploaded household list once, within limits, into rows kept for the later steps.

A spreadsheet is a zip of XML: a few kilobytes can declare a cell in column XFD, a million
rows, or inflate to gigabytes. The archive's declared sizes are checked before anything is
inflated, the first sheet is streamed (openpyxl read-only mode) and reading stops at the first
row, column or cell past the limits, each refused with its own message.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _
from openpyxl import load_workbook

from server.errors import ValidationError
from server.households.imports import HEADER_ROWS
from server.text import nfc

MAX_ROWS = 10_000  # the largest commune lists hold a few thousand households
MAX_COLUMNS = 60
MAX_CELLS = 200_000
MAX_UNCOMPRESSED = 40 * 1024 * 1024  # all parts of the archive, as declared, before inflating
MAX_TEXT_PARTS = 8 * 1024 * 1024  # shared strings and styles, which openpyxl reads whole, not streamed
MAX_RATIO = 200  # uncompressed / compressed size of one part; XML lists compress about 10 times
MAX_LINES = 5 * MAX_ROWS  # blank rows included: a cell in row 1048576 is refused, not walked to


@dataclass
class Table:
    """The rows of a list as text, each with its line number in the file."""

    rows: list[list[str]]
    lines: list[int]

    def dump(self) -> dict:
        """The table as JSON-able data (kept server-side between the steps)."""
        return {"rows": self.rows, "lines": self.lines}

    @classmethod
    def load(cls, data: dict) -> "Table":
        """A table dumped by `dump`."""
        return cls(data["rows"], data["lines"])


class TooLarge(ValidationError):
    """An upload past one of the reading limits."""

    code = "import_too_large"


def read_upload(data: bytes, filename: str) -> Table:
    """The non-blank rows of the first sheet of an XLSX file, or of a CSV file, within the limits."""
    if filename.lower().endswith(".xlsx"):
        return _limited(_xlsx_rows(data))
    return _limited(_csv_rows(data))


def _check_archive(data: bytes) -> None:
    """Refuse a broken archive or one that would inflate past the limits, from its declared sizes."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise ValidationError(_("This file is not an XLSX spreadsheet.")) from error
    inflated = sum(part.file_size for part in parts)
    too_dense = any(part.file_size > MAX_RATIO * max(part.compress_size, 1) + 65536 for part in parts)
    whole = sum(part.file_size for part in parts if not part.filename.startswith("xl/worksheets/"))
    if inflated > MAX_UNCOMPRESSED or too_dense or whole > MAX_TEXT_PARTS:
        raise TooLarge(_("This file unpacks to far more data than a list of households holds. It was not read."))


def _xlsx_rows(data: bytes):
    _check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise ValidationError(_("This file is not an XLSX spreadsheet.")) from error
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # the declared size ("A1:XFD1048576") is not trusted: rows come as stored
        for row in sheet.iter_rows(values_only=True):
            yield ["" if value is None else _text(value) for value in row]
    finally:
        book.close()


def _text(value) -> str:
    """A cell as text; whole numbers without ".0" (a phone typed as a number)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")  # Vietnamese Windows code page
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(io.StringIO(text), dialect)
    except csv.Error as error:  # a cell longer than the csv module accepts, a stray NUL
        raise ValidationError(_("This file could not be read as a CSV list.")) from error


def _limited(rows) -> Table:
    """Keep the non-blank rows, trimmed of empty trailing cells, refusing at the first limit passed."""
    kept, lines, cells = [], [], 0
    for line, row in enumerate(rows, start=1):
        if line > MAX_LINES:
            raise TooLarge(_too_many_rows())
        width = len(row)
        while width and not str(row[width - 1]).strip():
            width -= 1
        if not width:
            continue
        if width > MAX_COLUMNS:
            raise TooLarge(
                _("Row %(line)s has data beyond column %(n)s. Delete the far columns.", line=line, n=MAX_COLUMNS)
            )
        cells += width
        if cells > MAX_CELLS:
            raise TooLarge(
                _("This list has more than %(n)s cells. Split it into smaller files.", n=format_number(MAX_CELLS))
            )
        if len(kept) == MAX_ROWS + HEADER_ROWS:
            raise TooLarge(_too_many_rows())
        kept.append([nfc(str(value)) or "" for value in row[:width]])
        lines.append(line)
    width = max((len(row) for row in kept), default=0)
    return Table([row + [""] * (width - len(row)) for row in kept], lines)


def _too_many_rows() -> str:
    return _("This list has more than %(n)s rows. Split it into smaller files.", n=format_number(MAX_ROWS))
