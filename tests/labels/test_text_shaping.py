"""Khmer is shaped by raqm, text is NFC, long names wrap or shrink and never leave the label."""

import unicodedata

import fontpkg_noto_sans_khmer
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, features

from server.labels import fit, fonts, plan
from server.labels.content import address_content
from server.labels.layouts import LAYOUTS
from tests import factories as f

KHMER_WORD = "ស្ត្រី"  # "woman": two COENG subscripts and a vowel sign
KHMER_NAME = "សហគមន៍កសិកម្មផលិតផ្សិតចំបើងនិងបន្លែសរីរាង្គភូមិស្វាយទាប"  # one long run, no spaces
KHMER_FILE = str(fontpkg_noto_sans_khmer.ROOT / "files" / "NotoSansKhmer[wdth,wght].ttf")


def _render(text: str, engine) -> Image.Image:
    face = ImageFont.truetype(KHMER_FILE, 64, layout_engine=engine)
    image = Image.new("L", (600, 160), 255)
    language = "km" if engine == ImageFont.Layout.RAQM else None
    ImageDraw.Draw(image).text((10, 110), text, font=face, fill=0, anchor="ls", language=language)
    return image


def test_khmer_is_shaped_not_drawn_glyph_by_glyph():
    shaped, basic = _render(KHMER_WORD, ImageFont.Layout.RAQM), _render(KHMER_WORD, ImageFont.Layout.BASIC)
    assert ImageChops.difference(shaped, basic).getbbox() is not None
    # Shaping stacks the subscript consonants under the base letter, so the word gets much narrower
    # than the same characters set side by side.
    shaped_width = fonts.width(KHMER_WORD, 64)
    basic_width = ImageFont.truetype(KHMER_FILE, 64, layout_engine=ImageFont.Layout.BASIC).getlength(KHMER_WORD)
    assert shaped_width < 0.75 * basic_width


def test_khmer_runs_use_the_khmer_font_and_latin_the_latin_one():
    runs = fonts.runs("Ấp ភូមិ ស្វាយ 12")
    assert [(r.text, r.family) for r in runs] == [
        ("Ấp ", fonts.LATIN),
        ("ភូមិ ស្វាយ ", fonts.KHMER),
        ("12", fonts.LATIN),
    ]
    assert runs[1].language == "km"


def test_clusters_keep_coeng_stacks_and_vowel_signs_together():
    assert fonts.clusters(KHMER_WORD) == [KHMER_WORD]
    assert fonts.clusters("ផ្សិត") == ["ផ្សិ", "ត"]


def test_long_khmer_without_spaces_wraps_between_clusters_within_the_box():
    size, box = 24, 200
    lines = fit.wrap(KHMER_NAME, size, False, box)
    assert len(lines) > 1
    assert "".join(lines) == KHMER_NAME
    for line in lines:
        assert fonts.width(line, size) <= box
        assert not unicodedata.category(line[0]).startswith("M")
    assert not any(line.endswith(fonts.COENG) for line in lines)


def test_zero_width_spaces_are_preferred_break_points():
    text = "ផ្សិត\u200bចំបើង\u200bសរីរាង្គ"
    box = round(fonts.width("ផ្សិតចំបើង", 24)) + 2
    assert fit.wrap(text, 24, False, box) == ["ផ្សិត\u200bចំបើង", "សរីរាង្គ"]


def _assert_inside(laid_out):
    for line in laid_out.lines:
        ascent, descent = fonts.vertical_extent(line.text, line.size, line.bold)
        right = line.x + fit.line_width(line.text, line.size, line.bold, line.stars)
        assert right <= laid_out.width
        assert line.baseline - ascent >= 0 and line.baseline + descent <= laid_out.height


@pytest.mark.parametrize("layout_key", sorted(LAYOUTS))
def test_very_long_names_shrink_wrap_and_stay_on_the_label(ctx, layout_key):
    tree = f.small_tree()
    home = f.household(tree["commune"], tree["hamlet"], head_name=KHMER_NAME + " " + "Nguyễn Thị Minh Khai " * 6)
    f.consent(home, "publish")
    laid_out = plan.plan_label(address_content(home, "km"), LAYOUTS[layout_key])
    _assert_inside(laid_out)
    text_lines = [line for line in laid_out.lines if line.x > 0 or LAYOUTS[layout_key].arrangement == "stacked"]
    assert all(line.x + fit.line_width(line.text, line.size, line.bold) <= laid_out.width for line in text_lines)
    assert any(line.text.endswith(fit.ELLIPSIS) or line.size < 24 for line in laid_out.lines)


def test_text_is_nfc_on_labels(ctx):
    tree = f.small_tree()
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ấp")
    home = f.household(tree["commune"], head_name=decomposed)
    f.consent(home, "publish")
    content = address_content(home, "vi")
    assert content.blocks[0].text == unicodedata.normalize("NFC", "Nguyễn Thị Ấp")


def test_label_rendering_refuses_to_start_without_raqm(ctx, monkeypatch):
    tree = f.small_tree()
    home = f.household(tree["commune"])
    real_check = features.check
    monkeypatch.setattr(features, "check", lambda name: False if name == "raqm" else real_check(name))
    with pytest.raises(fonts.LabelRenderingUnavailable, match="libraqm"):
        plan.plan_label(address_content(home, "vi"), LAYOUTS["thermal-50x30"])
