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


def test_the_counter_never_grows_past_four_digits():
    [[clock, state]] = call("sync/clock.js", "tick", [[{"ms": 1_700_000_000_000, "counter": 9999}, 0, "dev42"]])
    assert clock == "1700000000001-0000-dev42"
    assert state == {"ms": 1_700_000_000_001, "counter": 0}


def test_a_clock_seen_far_in_the_future_is_not_adopted():
    now = 1_700_000_000_000
    last = {"ms": now, "counter": 0}
    near, far = call(
        "sync/clock.js",
        "observe",
        [[last, f"{now + 60_000}-0002-other", now], [last, "9999999999999-0000-other", now]],
    )
    assert near == {"ms": now + 60_000, "counter": 2}
    assert far == last


def test_the_phone_date_is_right_when_close_to_the_server_date():
    server = 1_700_000_000_000
    replies = [{"server": server, "local": server + 900}, {"server": server, "local": server + 24 * 3600 * 1000}, None]
    assert call("sync/clock.js", "dateIsRight", [[reply] for reply in replies]) == [True, False, False]


def test_the_later_of_two_clock_states():
    a, b = {"ms": 5, "counter": 1}, {"ms": 5, "counter": 2}
    assert call("sync/clock.js", "later", [[a, b], [b, a], [None, a], [None, None]]) == [b, b, a, None]
