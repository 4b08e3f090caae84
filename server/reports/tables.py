"""Tabular files: XLSX (openpyxl, streamed) and CSV with a UTF-8 byte-order mark for Excel."""

import csv
import io
from collections.abc import Iterable

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula is defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _xlsx_cell(sheet, value, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value if isinstance(value, int | float) or value is None else str(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list]) -> bytes:
    """A one-sheet workbook; write-only so large lists do not build a tree in memory."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Sheet")
    sheet.append([_xlsx_cell(sheet, str(name), bold=True) for name in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Khmer and Vietnamese open correctly in Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def download(kind: str, filename: str, title: str, header: list[str], rows: Iterable[list]) -> Response:
    """An attachment response in the asked format (xlsx or csv)."""
    if kind == "xlsx":
        body, mimetype = xlsx_bytes(title, header, rows), XLSX_TYPE
    else:
        body, mimetype, kind = csv_bytes(header, rows), "text/csv; charset=utf-8", "csv"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    response.headers["Cache-Control"] = "no-store"
    return response
