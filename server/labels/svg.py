"""A label plan as SVG: the QR as vector rectangles, text as <text> in the Noto families."""

from xml.sax.saxutils import escape, quoteattr

from server.labels.plan import LabelPlan, run_positions, star_polygons


def svg_text(plan: LabelPlan) -> str:
    """The label as a standalone SVG document sized in millimetres."""
    layout = plan.layout
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width_mm}mm" height="{layout.height_mm}mm" '
        f'viewBox="0 0 {plan.width} {plan.height}" xml:lang={quoteattr(plan.language)}>',
        f'<rect width="{plan.width}" height="{plan.height}" fill="#fff"/>',
        f'<g fill="#000" shape-rendering="crispEdges">{"".join(_qr_rects(plan))}</g>',
    ]
    for line in plan.lines:
        weight = 700 if line.bold else 500
        for run, x, _face in run_positions(line):
            lang = f' xml:lang="{run.language}"' if run.language else ""
            parts.append(
                f'<text x="{x:.1f}" y="{line.baseline}" font-family={quoteattr(run.family + ", sans-serif")} '
                f'font-size="{line.size}" font-weight="{weight}"{lang} xml:space="preserve">{escape(run.text)}</text>'
            )
        for star in star_polygons(line):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in star)
            parts.append(f'<polygon points="{points}" fill="#000"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def _qr_rects(plan: LabelPlan):
    """One rectangle per horizontal run of dark modules, in dots."""
    size = plan.module
    for row_index, row in enumerate(plan.modules):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            x, y = plan.qr_x + start * size, plan.qr_y + row_index * size
            yield f'<rect x="{x}" y="{y}" width="{(column - start) * size}" height="{size}"/>'
