"""PDF output: labels placed on A4 sticker sheets, or one label per page for rolls.

Pages are 1-bit images at the layout's dpi, stored losslessly (CCITT G4) in
the PDF so QR edges stay sharp. Pages are written one at a time, so a batch of
thousands of labels never holds more than one page in memory.
"""

import io
from collections.abc import Callable, Iterable, Iterator

from PIL import Image

from server.labels import raster
from server.labels.layouts import Layout
from server.labels.pdf import PdfWriter
from server.labels.plan import LabelContent, plan_label


def label_image(content: LabelContent, layout: Layout) -> Image.Image:
    """One label as a greyscale image at the layout's exact pixel size."""
    return raster.draw(plan_label(content, layout))


def _images(contents: Iterable[LabelContent], layout: Layout) -> Iterator[Image.Image]:
    """Label images; N labels of one lot are drawn once and repeated."""
    previous, image = None, None
    for content in contents:
        if content != previous:
            previous, image = content, label_image(content, layout)
        yield image


def pages(contents: Iterable[LabelContent], layout: Layout) -> Iterator[Image.Image]:
    """Print-ready 1-bit pages: sheets filled row by row, or one page per roll label."""
    if not layout.is_sheet:
        for image in _images(contents, layout):
            yield raster.to_print(image)
        return
    page, placed = None, 0
    for image in _images(contents, layout):
        if page is None:
            page = Image.new("L", (layout.px(layout.page_mm[0]), layout.px(layout.page_mm[1])), raster.PAPER)
        row, column = divmod(placed, layout.columns)
        x = layout.px(layout.origin_mm[0] + column * layout.pitch_mm[0])
        y = layout.px(layout.origin_mm[1] + row * layout.pitch_mm[1])
        page.paste(image, (x, y))
        placed += 1
        if placed == layout.per_page:
            yield raster.to_print(page)
            page, placed = None, 0
    if page is not None:
        yield raster.to_print(page)


def write_pdf(
    page_images: Iterable[Image.Image], target, dpi: int, on_page: Callable[[int], None] | None = None
) -> int:
    """Write pages to a binary file; returns the number of pages."""
    writer = PdfWriter(target, dpi)
    for page in page_images:
        writer.add_page(page)
        if on_page:
            on_page(len(writer.page_ids))
    return writer.close()


def pdf_bytes(contents: Iterable[LabelContent], layout: Layout) -> bytes:
    """A whole PDF in memory (for a few labels)."""
    out = io.BytesIO()
    write_pdf(pages(contents, layout), out, layout.dpi)
    return out.getvalue()
