"""Hybrid logical clocks, the one place that reads and makes them.

A clock is the string f"{ms:013d}-{counter:04d}-{device_id}": the wall time in milliseconds
of the device that made it, a counter that keeps one device's clocks increasing when its wall
clock stands still or goes back, and the device. With fixed-width digits, plain string order
is clock order, ties broken by device id, so stored clocks compare without parsing.

A clock far ahead of the server's time would win every merge of its fields for as long as it
is ahead, so pushed clocks are bounded: at most `max_ahead_ms()` ahead of the server.
"""

import re
import time
from datetime import UTC, date, datetime
from typing import NamedTuple

from flask import current_app, has_app_context

# ASCII digits: \d also matches other scripts' digits.
PATTERN = r"^[0-9]{13}-[0-9]{4}-[A-Za-z0-9_.-]{1,40}$"
_CLOCK = re.compile(PATTERN)
MAX_COUNTER = 9999
DEFAULT_MAX_AHEAD_SECONDS = 300


class Clock(NamedTuple):
    """The parts of a clock string."""

    ms: int
    counter: int
    device: str

    def __str__(self) -> str:
        return format_clock(self.ms, self.counter, self.device)


def format_clock(ms: int, counter: int, device: str) -> str:
    """The clock string of its parts."""
    return f"{ms:013d}-{counter:04d}-{device}"


def parse(clock: str) -> Clock:
    """The parts of a clock string; ValueError if it is not one."""
    if not isinstance(clock, str) or not _CLOCK.match(clock):
        raise ValueError(f"not a clock: {clock!r}")
    ms, counter, device = clock.split("-", 2)
    return Clock(int(ms), int(counter), device)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as clock `a` is earlier than, equal to or later than `b`."""
    return (a > b) - (a < b)


def is_later(clock: str, other: str | None) -> bool:
    """Whether `clock` orders after `other` (any clock is later than none)."""
    return other is None or clock > other


def device_of(clock: str | None) -> str | None:
    """The device that made a clock."""
    return parse(clock).device if clock else None


def instant(clock: str | None) -> datetime | None:
    """When the device made the clock, by its own wall time (aware, UTC)."""
    return datetime.fromtimestamp(parse(clock).ms / 1000, UTC) if clock else None


def day(clock: str) -> date:
    """The calendar day (UTC) of a clock."""
    return instant(clock).date()


def now_ms() -> int:
    """The server's time in milliseconds."""
    return time.time_ns() // 1_000_000


def after(clocks, device: str) -> str:
    """A clock of `device` later than the server's time and than every one of `clocks`."""
    ms, counter = now_ms(), 0
    latest = max((c for c in clocks if c), default=None)
    if latest is not None:
        seen = parse(latest)
        if seen.ms >= ms:
            ms, counter = seen.ms, seen.counter + 1
            if counter > MAX_COUNTER:
                ms, counter = ms + 1, 0
    return format_clock(ms, counter, device)


def max_ahead_ms() -> int:
    """How far ahead of the server's time a pushed clock may be (CLOCK_MAX_AHEAD_SECONDS)."""
    seconds = current_app.config.get("CLOCK_MAX_AHEAD_SECONDS") if has_app_context() else None
    return int(DEFAULT_MAX_AHEAD_SECONDS if seconds is None else seconds) * 1000


def latest_allowed_ms() -> int:
    """The greatest wall time a pushed clock may carry now."""
    return now_ms() + max_ahead_ms()


def is_ahead(clock: str, latest_ms: int | None = None) -> bool:
    """Whether a clock is further ahead of the server's time than allowed (latest_ms: as latest_allowed_ms())."""
    return parse(clock).ms > (latest_allowed_ms() if latest_ms is None else latest_ms)
