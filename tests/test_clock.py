"""Hybrid logical clocks: read, ordered, made and bounded in one module."""

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest

from server import clock


def test_a_clock_is_read_into_its_parts_and_written_back():
    parsed = clock.parse("1760000000123-0042-phone.A_1")
    assert parsed == clock.Clock(1_760_000_000_123, 42, "phone.A_1")
    assert str(parsed) == "1760000000123-0042-phone.A_1"
    assert clock.format_clock(5, 7, "web") == "0000000000005-0007-web"


@pytest.mark.parametrize(
    "text", ["", "176000000012-0000-a", "1760000000123-00000-a", "1760000000123-0000-", "١٧٦٠٠٠٠٠٠٠١٢٣-0000-a", None]
)
def test_what_is_not_a_clock_is_refused(text):
    with pytest.raises(ValueError):
        clock.parse(text)


def test_clocks_order_by_time_then_counter_then_device():
    ordered = ["1760000000000-0009-zzz", "1760000000001-0000-aaa", "1760000000001-0001-aaa", "1760000000001-0001-bbb"]
    assert sorted(reversed(ordered), key=clock.parse) == ordered
    assert [clock.compare(a, b) for a, b in pairwise(ordered)] == [-1, -1, -1]
    assert clock.compare(ordered[0], ordered[0]) == 0
    assert clock.is_later(ordered[1], ordered[0]) and not clock.is_later(ordered[0], ordered[1])
    assert clock.is_later(ordered[0], None)


def test_the_device_instant_and_day_of_a_clock():
    text = "1772135132000-0003-phone-7"
    assert clock.device_of(text) == "phone-7"
    assert clock.instant(text) == datetime(2026, 2, 26, 19, 45, 32, tzinfo=UTC)
    assert clock.day(text) == date(2026, 2, 26)
    assert clock.device_of(None) is None and clock.instant(None) is None


def test_a_server_clock_is_later_than_now_and_every_clock_seen(monkeypatch):
    monkeypatch.setattr(clock, "now_ms", lambda: 1_760_000_000_000)
    assert clock.after([], "web") == "1760000000000-0000-web"
    assert clock.after(["1700000000000-0005-a", None], "web") == "1760000000000-0000-web"
    assert clock.after(["1770000000000-0005-a"], "web") == "1770000000000-0006-web"
    assert clock.after(["1770000000000-9999-a"], "web") == "1770000000001-0000-web"  # the counter stays 4 digits


def test_clocks_more_than_the_allowed_skew_ahead_are_flagged(app, monkeypatch):
    monkeypatch.setattr(clock, "now_ms", lambda: 1_760_000_000_000)
    with app.app_context():
        assert clock.max_ahead_ms() == 300_000
        assert not clock.is_ahead(clock.format_clock(1_760_000_000_000 + 300_000, 0, "a"))
        assert clock.is_ahead(clock.format_clock(1_760_000_000_000 + 300_001, 0, "a"))
        assert clock.is_ahead("9999999999999-0000-x")
        assert not clock.is_ahead("0000000000000-0000-x")
        monkeypatch.setitem(app.config, "CLOCK_MAX_AHEAD_SECONDS", 0)
        assert clock.is_ahead(clock.format_clock(1_760_000_000_001, 0, "a"))
