"""The hybrid logical clock orders a phone's own changes even when its wall clock goes back."""

from tests.pwa.node_module import call


def test_clock_strings_follow_the_wire_format():
    [[clock, state]] = call("sync/clock.js", "tick", [[None, 1_700_000_000_123, "dev42"]])
    assert clock == "1700000000123-0000-dev42"
    assert state == {"ms": 1_700_000_000_123, "counter": 0}


def test_a_clock_going_back_still_gives_later_clocks():
    last = {"ms": 1_700_000_000_500, "counter": 3}
    results = call("sync/clock.js", "tick", [[last, 1_700_000_000_100, "dev42"], [last, 1_700_000_000_900, "dev42"]])
    behind, ahead = (clock for clock, _ in results)
    assert behind == "1700000000500-0004-dev42"
    assert ahead == "1700000000900-0000-dev42"
    assert "1700000000500-0003-dev42" < behind < ahead
