"""Memory taken by reading an uploaded household list: a realistic list, and files crafted to exhaust a worker.

Each file is read in a fresh process (the figure is that process's peak resident memory above
its start), once as the import reads it now and once kept whole as text, row by row padded to the
widest row, as the import read lists before it had limits ("unlimited").

Run from the project root: python bench/import_memory.py
"""

import io
import multiprocessing
import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from flask import Flask
from flask_babel import Babel
from openpyxl import Workbook, load_workbook

from server.errors import ValidationError
from server.households import import_files
from tests.factories import padded_sheet


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def commune_list(rows: int) -> bytes:
    """A plain list: name, phone, commune, hamlet."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Họ tên chủ hộ", "Số điện thoại", "Xã/Phường", "Ấp/Sóc"])
    for number in range(rows):
        sheet.append([f"Thạch Thị Sa {number}", f"0912{number:06d}", "Xã Trà Cú", "Ấp Sóc Chuối"])
    return _save(book)


def far_column(rows: int) -> bytes:
    """A list whose first row also holds one cell in column XFD."""
    book = Workbook()
    sheet = book.active
    sheet["XFD1"] = "x"
    for number in range(rows):
        sheet.append([f"Hộ {number}"])
    return _save(book)


def zip_bomb() -> bytes:
    """A workbook whose sheet carries 300 MB of blanks."""
    return padded_sheet(commune_list(1), 300 * 1024 * 1024)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(data: bytes, how: str, queue) -> None:
    start = _peak_mb()
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        try:
            if how == "import":
                outcome = f"{len(import_files.read_upload(data, 'list.xlsx').rows)} rows"
            else:
                book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
                sheet = book.worksheets[0].iter_rows(values_only=True)
                rows = [["" if value is None else str(value) for value in row] for row in sheet]
                width = max(len(row) for row in rows)
                rows = [row + [""] * (width - len(row)) for row in rows]
                outcome = f"{len(rows)} rows of {width} cells"
        except ValidationError as error:
            outcome = f"refused: {error.detail}"
        except MemoryError:
            outcome = "out of memory"
    queue.put((_peak_mb() - start, outcome))


def measure(data: bytes, how: str) -> tuple[float, str]:
    """(peak MB above the process's start, what came out) of reading data in a fresh process."""
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_measure, args=(data, how, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    """Print the figures."""
    files = {
        "commune list, 3,000 rows": commune_list(3000),
        "one cell in column XFD": far_column(1),
        "4,500 rows and column XFD": far_column(4500),
        "zip bomb (300 MB of blanks)": zip_bomb(),
    }
    print(f"{'file':32} {'size':>9}  {'reader':9} {'peak MB':>8}  outcome")
    for name, data in files.items():
        for how in ("import", "unlimited"):
            if how == "unlimited" and name.startswith("zip bomb"):
                continue  # inflating it is the point of the file
            peak, outcome = measure(data, how)
            print(f"{name:32} {len(data) / 1024:7.0f} KB  {how:9} {peak:8.1f}  {outcome[:70]}")


if __name__ == "__main__":
    main()
