"""Label layouts as data: a new sticker sheet or roll is a few numbers here."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from server.labels.fit import Style

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Layout:
    """One label size, how it is printed, and where labels sit on a sheet."""

    key: str
    title: object  # a lazy translated string
    width_mm: float
    height_mm: float
    dpi: int
    # "side": QR left, text right; "stacked": text on top, QR below (narrow rolls).
    arrangement: str = "side"
    padding_mm: float = 1.5
    qr_max_mm: float = 26.0
    # Blank paper kept between the QR's quiet zone and every edge: die cuts wander by up to about
    # 1 mm, and a cut into the quiet zone puts the packaging's colour right against the code.
    cut_margin_mm: float = 1.0
    # Sheets: A4 page, columns × rows, first label's top-left corner and the step to the next one.
    page_mm: tuple[float, float] | None = None
    columns: int = 1
    rows: int = 1
    origin_mm: tuple[float, float] = (0.0, 0.0)
    pitch_mm: tuple[float, float] = (0.0, 0.0)

    @property
    def px_per_mm(self) -> float:
        """Printer dots per millimetre."""
        return self.dpi / MM_PER_INCH

    def px(self, mm: float) -> int:
        """Millimetres to whole printer dots."""
        return round(mm * self.px_per_mm)

    @property
    def size_px(self) -> tuple[int, int]:
        """The label's size in printer dots."""
        return self.px(self.width_mm), self.px(self.height_mm)

    @property
    def is_sheet(self) -> bool:
        """Whether labels are printed several to a page."""
        return self.page_mm is not None

    @property
    def per_page(self) -> int:
        """Labels on one PDF page."""
        return self.columns * self.rows


STYLES = {
    "title": Style(3.0, bold=True),
    "body": Style(2.4),
    "small": Style(2.0),
    "code": Style(2.6, bold=True),
    "caption": Style(2.0, bold=True),
}

LAYOUTS = {
    layout.key: layout
    for layout in (
        # 5 dots (0.63 mm) a module: thermal dot gain makes 4-dot modules unreadable to many phones.
        Layout("thermal-50x30", _l("Thermal label 50 × 30 mm (203 dpi)"), 50, 30, 203, qr_max_mm=27),
        # A 58 mm roll prints 48 mm (384 dots) wide; each label is cut at 60 mm.
        Layout("roll-58", _l("Thermal roll 58 mm (203 dpi)"), 48, 60, 203, arrangement="stacked", qr_max_mm=30),
        Layout(
            "a4-3x8",
            _l("A4 sheet, 3 × 8 stickers of 63.5 × 33.9 mm"),
            63.5,
            33.9,
            300,
            page_mm=(210, 297),
            columns=3,
            rows=8,
            origin_mm=(7.25, 12.9),
            pitch_mm=(66.0, 33.9),
        ),
        Layout(
            "a4-2x7",
            _l("A4 sheet, 2 × 7 stickers of 99.1 × 38.1 mm"),
            99.1,
            38.1,
            300,
            qr_max_mm=30,
            page_mm=(210, 297),
            columns=2,
            rows=7,
            origin_mm=(4.65, 15.15),
            pitch_mm=(101.6, 38.1),
        ),
    )
}
DEFAULT_LAYOUT = "thermal-50x30"
