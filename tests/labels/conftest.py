"""Helpers that read labels back: QR decoding of PNG, PDF pages and SVG."""

import io
import re
import struct
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw, PdfParser


def read_qr(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds in an image."""
    return [result.text for result in zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)]


def _tiff_from_g4(data: bytes, width: int, height: int) -> Image.Image:
    """Wrap a CCITT G4 stream from a PDF into a one-strip TIFF that Pillow can decode."""
    tags = [
        (256, 4, width),
        (257, 4, height),
        (258, 3, 1),
        (259, 3, 4),  # CCITT group 4
        (262, 3, 0),  # WhiteIsZero, as /BlackIs1 true says
        (273, 4, 8),
        (278, 4, height),
        (279, 4, len(data)),
    ]
    ifd = struct.pack("<H", len(tags))
    for tag, kind, value in tags:
        ifd += struct.pack("<HHI", tag, kind, 1) + (
            struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        )
    ifd += struct.pack("<I", 0)
    tiff = b"II*\x00" + struct.pack("<I", 8 + len(data)) + data + ifd
    image = Image.open(io.BytesIO(tiff))
    image.load()
    return image


def pdf_pages(pdf: bytes) -> list[tuple[Image.Image, list]]:
    """Each PDF page's image (decoded from the file itself) and its MediaBox in points."""
    parser = PdfParser.PdfParser(buf=pdf)
    pages = []
    for page_ref in parser.pages:
        page = parser.read_indirect(page_ref)
        image_ref = page[b"Resources"][b"XObject"][b"image"]
        stream = parser.read_indirect(image_ref)
        info = stream.dictionary
        assert info[b"Filter"] == [PdfParser.PdfName(b"CCITTFaxDecode")]
        pages.append((_tiff_from_g4(bytes(stream.buf), info[b"Width"], info[b"Height"]), page[b"MediaBox"]))
    return pages


def rasterise_svg(svg: str, scale: int = 2) -> Image.Image:
    """Draw an SVG label's white background and QR rectangles (text is ignored) into an image."""
    root = ET.fromstring(svg)  # noqa: S314  (our own SVG output, not untrusted input)
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    image = Image.new("L", (int(width) * scale, int(height) * scale), 255)
    pen = ImageDraw.Draw(image)
    ns = "{http://www.w3.org/2000/svg}"
    for group in root.iter(ns + "g"):
        for rect in group.iter(ns + "rect"):
            x, y, w, h = (float(rect.get(k)) * scale for k in ("x", "y", "width", "height"))
            pen.rectangle([x, y, x + w - 1, y + h - 1], fill=0)
    return image


def svg_size_mm(svg: str) -> tuple[float, float]:
    """The physical size an SVG declares."""
    root = ET.fromstring(svg)  # noqa: S314  (our own SVG output, not untrusted input)
    return tuple(float(re.sub("mm$", "", root.get(k))) for k in ("width", "height"))


@pytest.fixture(autouse=True)
def _label_jobs_folder(app, tmp_path, monkeypatch):
    """Batch PDFs of a test go to its own temporary folder."""
    monkeypatch.setitem(app.config, "JOB_FILES_DIR", str(tmp_path / "jobs"))


@pytest.fixture
def decode():
    """Readers for each label format."""

    class Readers:
        qr = staticmethod(read_qr)
        pdf_pages = staticmethod(pdf_pages)
        svg = staticmethod(rasterise_svg)
        svg_size_mm = staticmethod(svg_size_mm)

    return Readers
