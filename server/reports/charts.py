"""Geometry for the server-drawn SVG: progress bars and monthly trend lines (templates draw them)."""

import math
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 24


@dataclass
class Bar:
    """A progress bar on a 0..100 scale with the target as a tick."""

    fill: float
    target: float | None
    state: str  # reached | behind | none


def bar(percent: float | None, target: float | None) -> Bar:
    """Bar for a share (0..1) against a target in percent."""
    fill = min(max((percent or 0) * 100, 0), 100)
    if target is None:
        return Bar(round(fill, 2), None, "none")
    return Bar(round(fill, 2), min(target, 100), "reached" if fill >= target else "behind")


def bar_svg(percent: float | None, target: float | None, small: bool = False) -> Markup:
    """The bar as inline SVG (no style attributes: the CSP forbids them).

    Drawn here rather than by a template macro: a province's table draws 800 of them, and the
    macro's calls were a third of the page's rendering.
    """
    drawn = bar(percent, target)
    tick = Markup("")
    if drawn.target is not None:
        tick = _TICK.format(x=max(drawn.target - 0.6, 0))
    return _BAR.format(small=" bar-small" if small else "", state=drawn.state, fill=drawn.fill, tick=tick)


_BAR = Markup(
    '\n  <svg class="bar{small} bar-{state}" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"'
    ' focusable="false">\n'
    '    <rect class="bar-track" x="0" y="0" width="100" height="10"></rect>\n'
    '    <rect class="bar-fill" x="0" y="0" width="{fill}" height="10"></rect>\n'
    "    {tick}\n  </svg>\n"
)
_TICK = Markup('<rect class="bar-target" x="{x}" y="0" width="1.2" height="10"></rect>')


@dataclass
class Trend:
    """One indicator's line (percent by month) with axis ticks and the target line."""

    indicator: str
    points: str
    dots: list[tuple[float, float]]
    ticks: list[tuple[float, float]]  # (y position, percent label)
    months: list[tuple[float, int]]  # (x position, month number)
    target_y: float | None
    last: float | None


def _scale_max(values: list[float]) -> float:
    top = max([*values, 10.0])
    return min(100.0, math.ceil(top / 10) * 10) if top <= 100 else math.ceil(top / 10) * 10


def trend(indicator: str, months: list[tuple[date, dict]], denominator: int, target: float | None) -> Trend:
    """Percent of the denominator reached by each month end, placed on a January–December axis."""
    percents = [100 * values[indicator] / denominator if denominator else 0.0 for _, values in months]
    top = _scale_max(percents + ([target] if target is not None else []))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: int) -> float:
        return round(LEFT + inner_w * (month - 1) / 11, 1)

    def y(percent: float) -> float:
        return round(TOP + inner_h * (1 - min(percent, top) / top), 1)

    dots = [(x(end.month), y(p)) for (end, _), p in zip(months, percents, strict=True)]
    return Trend(
        indicator=indicator,
        points=" ".join(f"{a},{b}" for a, b in dots),
        dots=dots,
        ticks=[(y(v), v) for v in (0, top / 2, top)],
        months=[(x(m), m) for m in range(1, 13)],
        target_y=y(target) if target is not None else None,
        last=percents[-1] / 100 if percents else None,
    )
