"""Public pages in Khmer get a small Khmer font that still shapes Khmer as the packaged one does."""

import io
import re

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from PIL import ImageFont

from server.labels.fonts import is_khmer
from server.webfonts import KHMER_WEB, PACKAGED

CATALOGUE = "translations/km/LC_MESSAGES/messages.po"


def _khmer_texts() -> list[str]:
    """Every Khmer translation the pages can show, split at spaces (the web font has no space)."""
    with open(CATALOGUE, "rb") as po:
        strings = [m.string for m in read_po(po) if m.id and m.string]
    texts = [t for s in strings for t in (s if isinstance(s, tuple) else (s,))]
    return sorted({word for text in texts for word in re.split(r"[^\u1780-\u17ff\u19e0-\u19ff]+", text) if word})


@pytest.fixture(scope="module")
def web_font(app) -> bytes:
    """The subset as a Khmer page's browser downloads it, made into TrueType for Pillow."""
    response = app.test_client().get(f"/fonts/{KHMER_WEB}")
    assert response.status_code == 200
    assert response.content_type == "font/woff2"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    font = TTFont(io.BytesIO(response.data))
    assert font.flavor == "woff2"
    font.flavor = None
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def test_the_khmer_web_font_is_a_tenth_of_the_packaged_font(web_font, app):
    size = len(app.test_client().get(f"/fonts/{KHMER_WEB}").data)
    assert size < PACKAGED["noto-sans-khmer.ttf"].stat().st_size / 10


def test_every_khmer_letter_of_the_catalogue_has_its_glyph(web_font):
    cmap = TTFont(io.BytesIO(web_font)).getBestCmap()
    letters = {ch for word in _khmer_texts() for ch in word if is_khmer(ch)}
    assert letters and not sorted(ch for ch in letters if ord(ch) not in cmap)


@pytest.mark.parametrize("weight", [400, 700])
def test_khmer_is_shaped_as_with_the_packaged_font(web_font, weight):
    # Widths after shaping (stacked consonants, reordered vowels) match the packaged font's exactly;
    # the same letters unshaped come out wider, so a font that lost its shaping tables fails here.
    full = ImageFont.truetype(str(PACKAGED["noto-sans-khmer.ttf"]), 40, layout_engine=ImageFont.Layout.RAQM)
    full.set_variation_by_axes([weight, 100])
    small = ImageFont.truetype(io.BytesIO(web_font), 40, layout_engine=ImageFont.Layout.RAQM)
    small.set_variation_by_axes([weight])
    unshaped = ImageFont.truetype(io.BytesIO(web_font), 40, layout_engine=ImageFont.Layout.BASIC)
    unshaped.set_variation_by_axes([weight])
    words = _khmer_texts()
    assert [small.getlength(w, language="km") for w in words] == [full.getlength(w, language="km") for w in words]
    assert any(unshaped.getlength(w) != full.getlength(w, language="km") for w in words)
