"""The A4 notice-board poster of a bulletin: Vietnamese and Khmer, shaped by raqm, with a QR to its public page.

Text is laid out with the label code (server/labels: fonts, line breaking by measured width,
QR matrices) and drawn into a 1-bit page image, written as a lossless PDF page.
"""

import io
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from PIL import Image, ImageDraw

from server.bulletins.models import REQUIRED_LANGUAGES, Bulletin
from server.bulletins.rules import blocks
from server.i18n import date as format_date
from server.i18n import number
from server.labels import fit, fonts, qr
from server.labels.pdf import PdfWriter
from server.labels.raster import INK, PAPER, to_print
from server.public.codes import public_domain
from server.vocab import BULLETIN_KIND_NAMES, PRICE_UNIT_NAMES

DPI = 150
WIDTH, HEIGHT = 1240, 1754  # A4 (210 × 297 mm) at 150 dpi
MARGIN = 90
QR_SIDE = 330
SIZES = {"kind": 30, "title": 56, "body": 34, "small": 26}


@dataclass(frozen=True)
class PlacedLine:
    """One line of the poster: its text, left edge, baseline, size and weight."""

    text: str
    x: int
    baseline: int
    size: int
    bold: bool = False


def _lines_for(text: str, size: int, bold: bool, x: int, y: int, width: int) -> tuple[list[PlacedLine], int]:
    placed = []
    for line in fit.wrap(text, size, bold, width):
        ascent, descent = fonts.vertical_extent(line, size, bold)
        y += ascent
        placed.append(PlacedLine(line, x, y, size, bold))
        y += descent + size // 4
    return placed, y


def layout(bulletin: Bulletin, url: str) -> list[PlacedLine]:
    """Every line of the poster, top to bottom: for each of Vietnamese and Khmer, kind, title, price and body."""
    lines: list[PlacedLine] = []
    y = MARGIN
    width = WIDTH - 2 * MARGIN
    for language in REQUIRED_LANGUAGES:
        text = (bulletin.texts or {}).get(language)
        if not text:
            continue
        with force_locale(language):
            heading = str(BULLETIN_KIND_NAMES[bulletin.kind])
            price = _price_line(bulletin)
            expiry = _("Valid until %(date)s", date=format_date(bulletin.expires_on))
        more, y = _lines_for(heading, SIZES["kind"], True, MARGIN, y, width)
        lines += more
        more, y = _lines_for(text["title"], SIZES["title"], True, MARGIN, y, width)
        lines += more
        if price:
            more, y = _lines_for(price, SIZES["body"], True, MARGIN, y, width)
            lines += more
        for kind, content in blocks(text["body"]):
            items = content if kind == "ul" else [content]
            for item in items:
                shown = "• " + item if kind == "ul" else item
                more, y = _lines_for(shown, SIZES["body"], False, MARGIN + (30 if kind == "ul" else 0), y, width)
                lines += more
        more, y = _lines_for(expiry, SIZES["small"], False, MARGIN, y, width)
        lines += more
        y += SIZES["title"]
    # Whatever does not fit above the QR code is left off rather than drawn over it.
    bottom = HEIGHT - MARGIN - QR_SIDE - SIZES["small"] * 2
    kept = [line for line in lines if line.baseline <= bottom]
    caption_y = HEIGHT - MARGIN - QR_SIDE // 2
    for text in (public_domain(), url.split("://", 1)[-1].split("/", 1)[-1]):
        kept.append(PlacedLine(text, MARGIN, caption_y, SIZES["small"]))
        caption_y += SIZES["small"] * 2
    return kept


def _price_line(bulletin: Bulletin) -> str | None:
    if bulletin.price is None:
        return None
    return _(
        "%(price)s đ %(unit)s on %(date)s",
        price=number(bulletin.price),
        unit=PRICE_UNIT_NAMES.get(bulletin.price_unit, ""),
        date=format_date(bulletin.price_on),
    )


def draw_line(pen: ImageDraw.ImageDraw, line: PlacedLine) -> None:
    """One line, run by run: Khmer runs in the Khmer font with raqm's Khmer shaping, the rest in Noto Sans."""
    x = float(line.x)
    for run in fonts.runs(line.text):
        face = fonts.font(run.family, line.size, line.bold)
        pen.text((x, line.baseline), run.text, font=face, fill=INK, anchor="ls", language=run.language)
        x += face.getlength(run.text, language=run.language)


def image(bulletin: Bulletin, url: str) -> Image.Image:
    """The poster page as a greyscale image."""
    page = Image.new("L", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(page)
    for line in layout(bulletin, url):
        draw_line(pen, line)
    modules = qr.matrix(url)
    dots = qr.module_dots(len(modules), QR_SIDE)
    symbol = Image.new("L", (len(modules), len(modules)), PAPER)
    symbol.putdata([INK if dark else PAPER for row in modules for dark in row])
    symbol = symbol.resize((len(modules) * dots, len(modules) * dots), Image.Resampling.NEAREST)
    page.paste(symbol, (WIDTH - MARGIN - symbol.width, HEIGHT - MARGIN - symbol.height))
    return page


def pdf(bulletin: Bulletin, url: str) -> bytes:
    """The poster as a one-page A4 PDF."""
    out = io.BytesIO()
    writer = PdfWriter(out, DPI)
    writer.add_page(to_print(image(bulletin, url)))
    writer.close()
    return out.getvalue()
