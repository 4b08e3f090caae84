"""Every label layout still scans after what printing and a phone camera do to it.

A 203 dpi thermal head spreads every dot (dot gain), a die cut lands up to a millimetre off
the print, the sticker sits on dark packaging, and the phone photographs it slightly turned,
a little out of focus and at a few pixels per millimetre. The simulation below does all of
that with Pillow filters to the 1-bit image the printer receives, then reads it with zxing-cpp.
"""

import pytest
from PIL import Image, ImageFilter

from server.labels import plan, raster
from server.labels.content import address_content, origin_content
from server.labels.layouts import LAYOUTS
from server.public.codes import public_code
from tests import factories as f

BASE = "https://lensan.example"
PACKAGING = 70  # dark grey card around the sticker
OFF_CUT_MM = 1.0
PHONE_PX_PER_MM = (6, 7)  # a 720p preview frame with the sticker at arm's length
ANGLES = (3, -7, 12)


def printed_and_photographed(label: Image.Image, layout, angle: float, px_per_mm: float) -> Image.Image:
    """The printer's 1-bit image after dot gain, an off-centre cut, packaging and a phone photo."""
    paper = label.convert("L").filter(ImageFilter.MinFilter(3))  # every black dot grows by one dot
    cut = layout.px(OFF_CUT_MM)
    paper = paper.crop((cut, cut, paper.width, paper.height))  # the die cut lands 1 mm up and left
    margin = layout.px(10)
    scene = Image.new("L", (paper.width + 2 * margin, paper.height + 2 * margin), PACKAGING)
    scene.paste(paper, (margin, margin))
    scene = scene.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=PACKAGING)
    scale = px_per_mm / layout.px_per_mm
    photo = scene.resize((round(scene.width * scale), round(scene.height * scale)), Image.Resampling.BOX)
    return photo.filter(ImageFilter.GaussianBlur(1.0))  # focus and the camera's own smoothing


def _labels():
    tree = f.small_tree()
    home = f.household(tree["commune"], tree["hamlet"], head_name="Thạch Thị Sóc Ly")
    f.consent(home, "publish")
    item = f.product(f.producer(tree["commune"], name="HTX Ngãi Xuyên"), name="Bưởi da xanh", gtin="08931234567897")
    lot = f.lot(item, "L-2026-05")
    return [
        (address_content(home, "km"), f"{BASE}/a/{public_code(home.id)}"),
        (origin_content(lot, "vi"), f"{BASE}/01/08931234567897/10/L-2026-05"),
    ]


@pytest.mark.parametrize("layout_key", sorted(LAYOUTS))
def test_every_layout_scans_after_printing_cutting_and_a_phone_photo(ctx, decode, layout_key):
    layout = LAYOUTS[layout_key]
    for content, uri in _labels():
        label = raster.to_print(raster.draw(plan.plan_label(content, layout)))
        for angle in ANGLES:
            for px_per_mm in PHONE_PX_PER_MM:
                photo = printed_and_photographed(label, layout, angle, px_per_mm)
                assert decode.qr(photo) == [uri], (layout_key, uri, angle, px_per_mm)


@pytest.mark.parametrize("layout_key", [key for key, layout in LAYOUTS.items() if layout.dpi == 203])
def test_thermal_labels_print_at_least_five_dots_a_module(ctx, layout_key):
    for content, _uri in _labels():
        assert plan.plan_label(content, LAYOUTS[layout_key]).module >= 5
