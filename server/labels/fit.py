"""Fit label text into a box: shrink first, then wrap, and never draw outside the box.

Breaks go at spaces and zero-width spaces (how Khmer marks word boundaries);
a word wider than the box is broken between grapheme clusters, measured with
the shaping font, so Khmer without any break opportunity still wraps.
"""

import re
from dataclasses import dataclass, field

from server.labels import fonts

ELLIPSIS = "…"
# Below about 70 % small text breaks up on a 203 dpi thermal head: drop less important lines instead.
SCALES = (1.0, 0.92, 0.85, 0.78, 0.72)
_BREAKS = re.compile(r"(?<=[ \u200b])")


@dataclass(frozen=True)
class Style:
    """Type size (mm) and weight of one kind of label line."""

    size_mm: float
    bold: bool = False


@dataclass
class Block:
    """A piece of label text; lower priority blocks are dropped first when nothing else helps."""

    text: str
    style: str
    max_lines: int = 2
    priority: int = 1
    stars: int = 0  # OCOP stars drawn after the text
    shorter: tuple[str, ...] = ()  # shorter ways to say the same, tried in order before cutting text


@dataclass
class Line:
    """One fitted line, relative to the top of the text box."""

    text: str
    size: int
    bold: bool
    baseline: int
    height: int
    stars: int = 0
    star_size: int = 0
    runs: list = field(default_factory=list)
    x: int = 0


def star_size(size: int) -> int:
    """The side of one drawn OCOP star for a text size."""
    return max(4, round(size * 0.85))


def line_width(text: str, size: int, bold: bool, stars: int = 0) -> float:
    """Width of a line with its stars."""
    star_width = stars * (star_size(size) + max(1, size // 8)) + (size // 3 if stars and text else 0)
    return fonts.width(text.replace(fonts.ZWSP, ""), size, bold) + star_width


def wrap(text: str, size: int, bold: bool, box_width: int, stars: int = 0) -> list[str]:
    """Greedy line breaking by measured width; stars stay on the last line."""
    lines: list[str] = []
    current = ""
    for word in (w for w in _BREAKS.split(text) if w):
        if line_width(_trim(current + word), size, bold) <= box_width:
            current += word
            continue
        if current:
            lines.append(_trim(current))
        current = word
        if line_width(_trim(word), size, bold) <= box_width:
            continue
        current = ""
        for cluster in fonts.clusters(word):
            if current and line_width(_trim(current + cluster), size, bold) > box_width:
                lines.append(_trim(current))
                current = ""
            current += cluster
    lines.append(_trim(current))
    if stars and line_width(lines[-1], size, bold, stars) > box_width:
        lines.append("")
    return lines


def _trim(text: str) -> str:
    return text.strip(" \u200b")


def truncate(text: str, size: int, bold: bool, box_width: int, stars: int = 0) -> str:
    """The longest start of text (whole clusters) that fits with an ellipsis."""
    if line_width(text, size, bold, stars) <= box_width:
        return text
    parts = fonts.clusters(text)
    while parts and line_width("".join(parts).rstrip() + ELLIPSIS, size, bold, stars) > box_width:
        parts.pop()
    return "".join(parts).rstrip() + ELLIPSIS if parts else ""


def fit(blocks: list[Block], styles: dict[str, Style], px_per_mm: float, box: tuple[int, int]) -> list[Line]:
    """Lines that fit the box (width, height): the largest scale that fits, else truncated and trimmed."""
    box_width, box_height = box
    for scale in SCALES:
        lines = _layout(blocks, styles, px_per_mm * scale, box_width, strict=True)
        if lines is not None and _height(lines) <= box_height:
            return _place(lines)
    kept = sorted(blocks, key=lambda b: b.priority)
    while kept:
        lines = _layout([b for b in blocks if b in kept], styles, px_per_mm * SCALES[-1], box_width, strict=False)
        if _height(lines) <= box_height:
            return _place(lines)
        kept.pop()
    return []


def _layout(blocks, styles, px_per_mm, box_width, strict):
    lines = []
    for block in blocks:
        style = styles[block.style]
        size = max(6, round(style.size_mm * px_per_mm))
        stars = block.stars if line_width("", size, style.bold, block.stars) <= box_width else 0
        wrapped = _wrap_shortest(block, size, style.bold, box_width, stars)
        if wrapped is None:
            if strict:
                return None
            wrapped = wrap(([block.text, *block.shorter])[-1], size, style.bold, box_width, stars)
            rest = " ".join(wrapped[block.max_lines - 1 :])
            wrapped = [truncate(t, size, style.bold, box_width) for t in wrapped[: block.max_lines - 1]]
            wrapped.append(truncate(rest, size, style.bold, box_width, stars))
        for index, text in enumerate(wrapped):
            last = index == len(wrapped) - 1
            lines.append(Line(text, size, style.bold, 0, 0, stars=stars if last else 0))
    return lines


def _wrap_shortest(block: Block, size: int, bold: bool, box_width: int, stars: int) -> list[str] | None:
    """The first of the block's texts (longest first) that wraps into its lines, or None."""
    for text in (block.text, *block.shorter):
        wrapped = wrap(text, size, bold, box_width, stars)
        if len(wrapped) <= block.max_lines and all(line_width(t, size, bold) <= box_width for t in wrapped):
            return wrapped
    return None


def _height(lines: list[Line]) -> int:
    total = 0
    for line in lines:
        ascent, descent = fonts.vertical_extent(line.text, line.size, line.bold)
        line.baseline, line.height = ascent, ascent + descent
        total += line.height
    return total


def _place(lines: list[Line]) -> list[Line]:
    top = 0
    for line in lines:
        line.baseline += top
        top += line.height
        line.star_size = star_size(line.size)
        line.runs = fonts.runs(line.text.replace(fonts.ZWSP, ""))
    return lines
