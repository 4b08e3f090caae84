"""Time 1,000 household address labels into one A4 PDF, against bare QR generation in the same run.

Run from the project root: python bench/labels.py [count]
"""

import io
import sys
import time
import uuid

from server.labels import qr, sheets
from server.labels.fit import Block
from server.labels.layouts import LAYOUTS
from server.labels.plan import LabelContent


def contents(count: int) -> list[LabelContent]:
    """Distinct address labels, as a commune batch would make them."""
    labels = []
    for number in range(count):
        code = uuid.uuid4().hex[:26]
        blocks = [
            Block(f"Nguyễn Thị Ngọc Hường {number}", "title", 2, 1),
            Block("Ấp Ba Cụm", "body", 1, 2),
            Block("Xã Tập Sơn", "body", 1, 1),
            Block("Tỉnh Vĩnh Long (trước là Tỉnh Trà Vinh)", "body", 2, 2),
            Block("6PX8M72R+FW", "body", 1, 1),
            Block("M72R+FW Xã Tập Sơn", "small", 1, 3),
        ]
        labels.append(LabelContent(f"https://lensan.vn/a/{code}", blocks, "lensan.vn"))
    return labels


def main(count: int = 1000) -> None:
    """Print the figures."""
    batch = contents(count)
    start = time.perf_counter()
    for content in batch:
        qr.matrix(content.uri)
    bare = time.perf_counter() - start
    for key in ("a4-3x8", "thermal-50x30"):
        layout = LAYOUTS[key]
        out = io.BytesIO()
        start = time.perf_counter()
        pages = sheets.write_pdf(sheets.pages(batch, layout), out, layout.dpi)
        spent = time.perf_counter() - start
        print(
            f"{key}: {count} labels, {pages} pages, {len(out.getvalue()) / 1e6:.1f} MB PDF in {spent:.1f} s "
            f"({spent / count * 1000:.1f} ms a label, {spent / bare:.0f}× bare QR generation)"
        )
    print(f"bare QR generation: {bare / count * 1000:.2f} ms a label")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
