"""After a failed sync the phone waits longer each time, and never less than a busy server asked."""

from tests.pwa.node_module import call


def test_backoff_doubles_with_jitter_up_to_ten_minutes():
    low, high = call("sync/backoff.js", "retryDelay", [[1, None, 0], [1, None, 0.999]])
    assert (low, round(high / 1000)) == (3750, 6)
    assert call("sync/backoff.js", "retryDelay", [[3, None, 0.5], [30, None, 0.5]]) == [20_000, 600_000]


def test_retry_after_is_honoured_with_up_to_a_fifth_more():
    asked = 30_000
    early, late, later_backoff = call(
        "sync/backoff.js", "retryDelay", [[1, asked, 0], [1, asked, 0.999], [8, asked, 0.5]]
    )
    assert early == asked and asked < late < asked * 1.2
    assert later_backoff == 600_000  # the backoff has grown past what the server asked
    assert call("sync/backoff.js", "retryDelay", [[1, 5 * 3600_000, 0]]) == [3600_000]  # an hour at most


def test_retry_after_header_in_seconds_or_as_a_date():
    now = 1_760_000_000_000
    results = call(
        "api.js",
        "parseRetryAfter",
        [["30", now], ["Thu, 09 Oct 2025 08:54:20 GMT", now], [None, now], ["soon", now]],
    )
    assert results == [30_000, 60_000, None, None]  # now is 08:53:20 GMT
