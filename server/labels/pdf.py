"""A streaming PDF writer for 1-bit page images (CCITT G4, lossless).

Pillow can write multi-page PDFs, but only with every page in memory or by
re-reading the whole file for each appended page. Batches of thousands of
labels need neither: this writes each page as it comes and the page tree at
the end, so time and memory stay linear.
"""

import io
import math
from typing import BinaryIO

from PIL import Image

POINTS_PER_INCH = 72


def g4_stream(page: Image.Image) -> bytes:
    """CCITT group 4 data of a 1-bit image (the single TIFF strip, header dropped, as Pillow does)."""
    out = io.BytesIO()
    page.save(out, "TIFF", compression="group4", strip_size=math.ceil(page.width / 8) * page.height)
    return out.getvalue()[8:]


class PdfWriter:
    """Write pages one at a time into a binary file, then `close()` to finish the document."""

    def __init__(self, target: BinaryIO, dpi: int):
        self.target = target
        self.dpi = dpi
        self.offsets: dict[int, int] = {}
        self.page_ids: list[int] = []
        self.next_id = 3  # 1 is the catalogue, 2 the page tree
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.target.write(data)

    def _position(self) -> int:
        return self.target.tell()

    def _object(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self._position()
        self._write(b"%d 0 obj\n" % number + body)
        if stream is not None:
            self._write(b"\nstream\n" + stream + b"\nendstream")
        self._write(b"\nendobj\n")

    def add_page(self, page: Image.Image) -> None:
        """Append a 1-bit page image, sized by the writer's dpi."""
        if page.mode != "1":
            raise ValueError("PDF pages must be 1-bit images")
        image_id, content_id, page_id = self.next_id, self.next_id + 1, self.next_id + 2
        self.next_id += 3
        width, height = page.size
        data = g4_stream(page)
        self._object(
            image_id,
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 1 /Filter [/CCITTFaxDecode] "
            b"/DecodeParms [<< /K -1 /BlackIs1 true /Columns %d /Rows %d >>] /Length %d >>"
            % (width, height, width, height, len(data)),
            data,
        )
        w_pt, h_pt = width * POINTS_PER_INCH / self.dpi, height * POINTS_PER_INCH / self.dpi
        content = b"q %.4f 0 0 %.4f 0 0 cm /image Do Q\n" % (w_pt, h_pt)
        self._object(content_id, b"<< /Length %d >>" % len(content), content)
        self._object(
            page_id,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] /Contents %d 0 R "
            b"/Resources << /ProcSet [/PDF /ImageB] /XObject << /image %d 0 R >> >> >>"
            % (w_pt, h_pt, content_id, image_id),
        )
        self.page_ids.append(page_id)

    def close(self) -> int:
        """Write the catalogue, page tree, cross-reference table and trailer; returns the page count."""
        kids = b" ".join(b"%d 0 R" % number for number in self.page_ids)
        self._object(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.page_ids)))
        self._object(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        xref = self._position()
        lines = [b"xref\n0 %d\n" % self.next_id, b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % self.offsets[number] for number in range(1, self.next_id)]
        self._write(b"".join(lines))
        self._write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (self.next_id, xref))
        return len(self.page_ids)
