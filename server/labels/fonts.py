"""Fonts and shaped text: Noto Sans for Latin/Vietnamese, Noto Sans Khmer for Khmer runs.

Everything is shaped by libraqm (Pillow's RAQM layout). Khmer stacks consonants
with COENG and reorders vowels, so glyph-by-glyph rendering is wrong; without
raqm we refuse to render labels rather than print something unreadable.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import fontpkg_noto_sans
import fontpkg_noto_sans_khmer
from PIL import ImageFont, features

LATIN = "Noto Sans"
KHMER = "Noto Sans Khmer"
FONT_FILES = {
    LATIN: fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf",
    KHMER: fontpkg_noto_sans_khmer.ROOT / "files" / "NotoSansKhmer[wdth,wght].ttf",
}
COENG = "\u17d2"
ZWSP = "\u200b"
_JOINERS = ("\u200c", "\u200d")


class LabelRenderingUnavailable(RuntimeError):
    """Label rendering cannot work on this server (a missing library)."""


def require_raqm() -> None:
    """Raise LabelRenderingUnavailable unless Pillow can shape text with libraqm."""
    if not features.check("raqm"):
        raise LabelRenderingUnavailable(
            "Label rendering needs Pillow with libraqm (complex text layout) to shape Khmer and "
            "Vietnamese text, but this Pillow cannot load libraqm. Install the system packages "
            "libraqm0, libfribidi0 and libharfbuzz0b (tools/system-deps) and restart the server."
        )


@cache
def font(family: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A shaped (RAQM) font of the family at a pixel size."""
    require_raqm()
    loaded = ImageFont.truetype(str(FONT_FILES[family]), size, layout_engine=ImageFont.Layout.RAQM)
    # Medium rather than Regular: thin strokes break up when thresholded for 1-bit printers.
    loaded.set_variation_by_name("Bold" if bold else "Medium")
    return loaded


def is_khmer(ch: str) -> bool:
    """Whether a character belongs to the Khmer script (letters, signs, symbols)."""
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


@dataclass(frozen=True)
class Run:
    """A stretch of text drawn with one font family."""

    text: str
    family: str

    @property
    def language(self) -> str | None:
        """The language hint given to raqm."""
        return "km" if self.family == KHMER else None


def runs(text: str) -> list[Run]:
    """Split text into runs by script; spaces and joiners stay with the run they sit in."""
    result: list[Run] = []
    for ch in text:
        neutral = ch.isspace() or ch in _JOINERS or ch == ZWSP
        family = KHMER if is_khmer(ch) else LATIN
        if result and (neutral or result[-1].family == family):
            result[-1] = Run(result[-1].text + ch, result[-1].family)
        else:
            result.append(Run(ch, family))
    return result


@lru_cache(maxsize=8192)  # batches repeat place names and captions on every label
def width(text: str, size: int, bold: bool = False) -> float:
    """The advance width of shaped text in pixels."""
    return sum(font(run.family, size, bold).getlength(run.text, language=run.language) for run in runs(text))


@lru_cache(maxsize=8192)
def vertical_extent(text: str, size: int, bold: bool = False) -> tuple[int, int]:
    """(ascent, descent) in pixels: the font's, or the ink's when stacked marks reach further."""
    ascent, descent = 0, 0
    for run in runs(text) or [Run(" ", LATIN)]:
        face = font(run.family, size, bold)
        font_ascent, font_descent = face.getmetrics()
        _left, top, _right, bottom = face.getbbox(run.text, anchor="ls", language=run.language)
        ascent = max(ascent, font_ascent, -top)
        descent = max(descent, font_descent, bottom)
    return ascent, descent


def clusters(text: str) -> list[str]:
    """Grapheme clusters good enough for line breaking: marks, joiners and COENG stacks stay together."""
    result: list[str] = []
    for ch in text:
        attached = unicodedata.category(ch).startswith("M") or ch in _JOINERS
        if result and (attached or result[-1].endswith(COENG) or result[-1][-1:] in _JOINERS):
            result[-1] += ch
        else:
            result.append(ch)
    return result
