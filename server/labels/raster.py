"""Draw a label plan into an image at the printer's exact size, and save PNG."""

import io

from PIL import Image, ImageDraw

from server.labels.plan import LabelPlan, run_positions, star_polygons

INK, PAPER = 0, 255


def draw(plan: LabelPlan) -> Image.Image:
    """The label as a greyscale image of exactly width × height dots."""
    image = Image.new("L", (plan.width, plan.height), PAPER)
    _draw_qr(image, plan)
    pen = ImageDraw.Draw(image)
    for line in plan.lines:
        for run, x, face in run_positions(line):
            pen.text((x, line.baseline), run.text, font=face, fill=INK, anchor="ls", language=run.language)
        for star in star_polygons(line):
            pen.polygon(star, fill=INK)
    return image


def _draw_qr(image: Image.Image, plan: LabelPlan) -> None:
    count = len(plan.modules)
    symbol = Image.new("L", (count, count), PAPER)
    symbol.putdata([INK if dark else PAPER for row in plan.modules for dark in row])
    # NEAREST keeps every module exactly `module` dots wide: no blurred edges for the scanner.
    symbol = symbol.resize((count * plan.module, count * plan.module), Image.Resampling.NEAREST)
    image.paste(symbol, (plan.qr_x, plan.qr_y))


def to_print(image: Image.Image) -> Image.Image:
    """Black and white, as thermal and laser printers print (no grey halftone at QR edges)."""
    return image.point(lambda value: 255 if value >= 128 else 0, mode="1")


def png_bytes(plan: LabelPlan) -> bytes:
    """A 1-bit PNG at the printer's exact pixel size, tagged with its dpi."""
    out = io.BytesIO()
    dpi = plan.layout.dpi
    to_print(draw(plan)).save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()
