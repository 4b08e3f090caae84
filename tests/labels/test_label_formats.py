"""Every label format decodes back to the URI it should hold."""

import io
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from server.labels import operations as labels
from server.labels import plan, qr, raster, sheets, svg
from server.labels.content import address_content, origin_content
from server.labels.layouts import LAYOUTS
from server.public.codes import public_code
from tests import factories as f

BASE = "https://lensan.example"


def _household():
    tree = f.small_tree()
    home = f.household(
        tree["commune"], tree["hamlet"], head_name="Thạch Thị Sóc Ly", latitude=9.7012, longitude=106.2723
    )
    for purpose in ("publish", "location"):
        f.consent(home, purpose)
    return home


def _lot(gtin="08931234567897"):
    tree = f.small_tree()
    item = f.product(f.producer(tree["commune"], name="HTX Ngãi Xuyên"), name="Bưởi da xanh", gtin=gtin, ocop_stars=4)
    return f.lot(item, "L-2026-05", packed_on=date(2026, 5, 12))


def _contents(kind):
    if kind == "address":
        home = _household()
        return address_content(home, "vi"), f"{BASE}/a/{public_code(home.id)}"
    return origin_content(_lot(), "vi"), f"{BASE}/01/08931234567897/10/L-2026-05"


@pytest.mark.parametrize("layout_key", sorted(LAYOUTS))
@pytest.mark.parametrize("kind", ["address", "origin"])
def test_png_has_exact_size_and_decodes(ctx, decode, layout_key, kind):
    content, expected = _contents(kind)
    layout = LAYOUTS[layout_key]
    image = Image.open(io.BytesIO(raster.png_bytes(plan.plan_label(content, layout))))
    assert image.size == layout.size_px
    assert round(image.info["dpi"][0]) == layout.dpi
    assert decode.qr(image) == [expected]


def test_thermal_sizes_are_the_printers_dots():
    assert LAYOUTS["thermal-50x30"].size_px == (400, 240)
    assert LAYOUTS["roll-58"].size_px[0] == 384  # 48 mm printable on a 58 mm roll


@pytest.mark.parametrize("layout_key", sorted(LAYOUTS))
def test_qr_modules_are_whole_dots_at_least_04_mm_with_quiet_zone(ctx, layout_key):
    content, _uri = _contents("origin")
    layout = LAYOUTS[layout_key]
    laid_out = plan.plan_label(content, layout)
    assert isinstance(laid_out.module, int)
    assert laid_out.module / layout.px_per_mm >= qr.MIN_MODULE_MM
    image = raster.draw(laid_out)
    quiet = qr.QUIET_MODULES * laid_out.module
    side = laid_out.qr_side
    left, top = laid_out.qr_x - quiet, laid_out.qr_y - quiet
    right, bottom = left + side + 2 * quiet, top + side + 2 * quiet
    # A die cut up to cut_margin_mm off the print still leaves the whole quiet zone on the sticker.
    margin = layout.px(layout.cut_margin_mm)
    assert min(left, top, layout.size_px[0] - right, layout.size_px[1] - bottom) >= margin
    ring = image.crop((left, top, left + side + 2 * quiet, top + side + 2 * quiet))
    ring.paste(255, (quiet, quiet, quiet + side, quiet + side))
    assert ring.getextrema() == (255, 255), "the quiet zone must be blank"


def test_qr_uses_error_correction_m(ctx):
    content, _uri = _contents("address")
    image = raster.draw(plan.plan_label(content, LAYOUTS["thermal-50x30"]))
    [result] = zxingcpp.read_barcodes(image)
    assert result.ec_level == "M"


@pytest.mark.parametrize("layout_key", sorted(LAYOUTS))
@pytest.mark.parametrize("kind", ["address", "origin"])
def test_svg_qr_rects_decode_and_size_is_in_mm(ctx, decode, layout_key, kind):
    content, expected = _contents(kind)
    layout = LAYOUTS[layout_key]
    document = svg.svg_text(plan.plan_label(content, layout))
    assert decode.svg_size_mm(document) == (layout.width_mm, layout.height_mm)
    assert decode.qr(decode.svg(document)) == [expected]
    assert 'font-family="Noto Sans, sans-serif"' in document


@pytest.mark.parametrize("layout_key", sorted(LAYOUTS))
def test_pdf_pages_decode_from_the_file(ctx, decode, layout_key):
    content, expected = _contents("origin")
    layout = LAYOUTS[layout_key]
    count = layout.per_page + 1 if layout.is_sheet else 3
    pages = decode.pdf_pages(labels.render([content] * count, layout, "pdf"))
    expected_pages = 2 if layout.is_sheet else 3
    assert len(pages) == expected_pages
    first, media_box = pages[0]
    width_mm = (layout.page_mm or (layout.width_mm, layout.height_mm))[0]
    assert media_box[2] == pytest.approx(width_mm / 25.4 * 72, abs=0.5)
    found = decode.qr(first)
    assert found == [expected] * (layout.per_page if layout.is_sheet else 1)
    assert decode.qr(pages[-1][0]) == [expected]


def test_sheet_labels_sit_inside_their_sticker(ctx):
    layout = LAYOUTS["a4-3x8"]
    right = layout.origin_mm[0] + (layout.columns - 1) * layout.pitch_mm[0] + layout.width_mm
    bottom = layout.origin_mm[1] + (layout.rows - 1) * layout.pitch_mm[1] + layout.height_mm
    assert right <= layout.page_mm[0] and bottom <= layout.page_mm[1]


def test_lot_without_gtin_uses_the_p_path(ctx, decode):
    lot = _lot(gtin=None)
    content = origin_content(lot, "km")
    expected = f"{BASE}/p/{public_code(lot.product.id)}/L-2026-05"
    assert content.uri == expected
    assert decode.qr(raster.draw(plan.plan_label(content, LAYOUTS["thermal-50x30"]))) == [expected]


def test_pages_of_a_sheet_batch_hold_every_household(ctx, decode):
    tree = f.small_tree()
    homes = [f.household(tree["commune"]) for _ in range(5)]
    contents = labels.household_contents(homes, "vi")
    pages = list(sheets.pages(contents, LAYOUTS["a4-2x7"]))
    assert len(pages) == 1
    assert sorted(decode.qr(pages[0])) == sorted(f"{BASE}/a/{public_code(h.id)}" for h in homes)
