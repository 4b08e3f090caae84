"""Where everything goes on one label, in printer dots; raster and SVG output draw the same plan."""

import math
from dataclasses import dataclass, field

from server.labels import fit, fonts, qr
from server.labels.layouts import STYLES, Layout


@dataclass
class LabelContent:
    """What a label says: text blocks, the URI in its QR code and the text under the QR."""

    uri: str
    blocks: list[fit.Block]
    caption: str
    language: str = "vi"


@dataclass
class LabelPlan:
    """A label laid out: size, QR position and module size, and fitted lines of text."""

    width: int
    height: int
    layout: Layout
    modules: list[list[bool]]
    module: int
    qr_x: int
    qr_y: int
    lines: list[fit.Line] = field(default_factory=list)
    language: str = "vi"

    @property
    def qr_side(self) -> int:
        """Side of the QR symbol in dots, without the quiet zone."""
        return len(self.modules) * self.module


def plan_label(content: LabelContent, layout: Layout) -> LabelPlan:
    """Lay out a label: the biggest QR the layout allows, then text fitted to the rest."""
    fonts.require_raqm()
    width, height = layout.size_px
    modules = qr.matrix(content.uri)
    caption_size = round(STYLES["caption"].size_mm * layout.px_per_mm)
    ascent, descent = fonts.vertical_extent(content.caption, caption_size, True)
    caption_height = ascent + descent
    module, block_x, block_y, text_box = _qr_block(layout, len(modules), caption_height)
    block = (len(modules) + 2 * qr.QUIET_MODULES) * module
    quiet = qr.QUIET_MODULES * module
    plan = LabelPlan(
        width, height, layout, modules, module, block_x + quiet, block_y + quiet, language=content.language
    )
    plan.lines = _text_lines(content.blocks, layout, text_box)
    plan.lines += _caption_lines(content.caption, layout, (block_x, block_y + block, block, caption_height))
    return plan


def _qr_block(layout: Layout, modules: int, caption_height: int):
    """Dots per module, the top-left corner of the QR with its quiet zone, and the text box.

    The QR block keeps the layout's cut margin from every edge; under it, the caption is margin
    enough when it is taller than the margin.
    """
    width, height = layout.size_px
    pad = layout.px(layout.padding_mm)
    margin = layout.px(layout.cut_margin_mm)
    count = modules + 2 * qr.QUIET_MODULES
    if layout.arrangement == "stacked":
        bottom = max(margin, pad + caption_height)
        module = qr.module_dots(modules, min(width - 2 * margin, layout.px(layout.qr_max_mm), height // 2))
        block_x, block_y = (width - count * module) // 2, height - bottom - count * module
        return module, block_x, block_y, (pad, pad, width - 2 * pad, block_y - pad)
    high = height - margin - max(margin, caption_height)
    module = qr.module_dots(modules, min(high, layout.px(layout.qr_max_mm), width * 55 // 100 - margin))
    block = count * module
    block_x, block_y = margin, margin + max(0, (high - block) // 2)
    return module, block_x, block_y, (block_x + block, pad, width - block_x - block - pad, height - 2 * pad)


def _text_lines(blocks, layout: Layout, box: tuple[int, int, int, int]) -> list[fit.Line]:
    x, y, box_width, box_height = box
    lines = fit.fit(blocks, STYLES, layout.px_per_mm, (box_width, box_height))
    used = sum(line.height for line in lines)
    top = y + max(0, (box_height - used) // 2)
    for line in lines:
        line.x = x
        line.baseline += top
    return lines


def _caption_lines(caption: str, layout: Layout, box: tuple[int, int, int, int]) -> list[fit.Line]:
    """The domain under the QR, centred; it shrinks (never wraps) to the QR's width."""
    x, y, box_width, box_height = box
    lines = fit.fit([fit.Block(caption, "caption", max_lines=1)], STYLES, layout.px_per_mm, (box_width, box_height))
    for line in lines:
        line.x = x + max(0, round((box_width - fit.line_width(line.text, line.size, line.bold)) / 2))
        line.baseline += y
    return lines


def star_polygons(line: fit.Line) -> list[list[tuple[float, float]]]:
    """Five-pointed stars after a line's text, as polygons in dots."""
    size = line.star_size
    gap = max(1, line.size // 8)
    start = line.x + fit.line_width(line.text, line.size, line.bold) + (line.size // 3 if line.text else 0)
    centre_y = line.baseline - size / 2
    stars = []
    for index in range(line.stars):
        centre_x = start + index * (size + gap) + size / 2
        points = []
        for corner in range(10):
            radius = size / 2 if corner % 2 == 0 else size * 0.2
            angle = math.pi / 2 + corner * math.pi / 5
            points.append((centre_x + radius * math.cos(angle), centre_y - radius * math.sin(angle)))
        stars.append(points)
    return stars


def run_positions(line: fit.Line):
    """Each run of a line with its x position and font: (run, x, font)."""
    x = float(line.x)
    for run in line.runs:
        face = fonts.font(run.family, line.size, line.bold)
        yield run, x, face
        x += face.getlength(run.text, language=run.language)
