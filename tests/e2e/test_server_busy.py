"""The database is down: the phone waits as long as the server asks, keeps its changes, and sends
them once the server is back. The phone's clock is driven by the test, so no real waiting."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from server.errors import RETRY_AFTER_SECONDS
from server.extensions import db
from server.households.models import Household
from tests.e2e.phone_app import SYNC_IDLE, TIMEOUT, go, open_household, sign_in, wait_until

pytestmark = pytest.mark.e2e


def _wait_for(page, condition) -> None:
    for _ in range(100):
        if condition():
            return
        page.wait_for_timeout(100)
    assert condition()


def test_the_phone_backs_off_while_the_database_is_down_and_syncs_when_it_is_back(phone, live_server):
    phone.clock.install()  # time flows as usual until the test moves it on
    page = phone.new_page()
    sign_in(page)
    wait_until(page, SYNC_IDLE)
    open_household(page, "khanh", "Kim Sóc Khanh")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone", exact=True).fill("0911111111")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("pending-badge")).to_have_text("1 to send")
    calls = []
    page.on("request", lambda request: "/api/" in request.url and calls.append(request.url))
    replies = []
    page.on("response", lambda response: "/api/" in response.url and replies.append(response.status))

    live_server.database_down()
    go(page, "/sync")
    page.get_by_role("button", name="Sync now").click()
    status = page.get_by_role("status").filter(has_text="The server is busy")
    expect(status).to_contain_text("Your changes are safe on this phone. Next try at", timeout=TIMEOUT)
    assert (len(calls), replies) == (1, [503])
    # Not sooner than the server asked (Retry-After), whatever the backoff would allow.
    page.clock.fast_forward((RETRY_AFTER_SECONDS - 1) * 1000)
    page.wait_for_timeout(500)
    assert len(calls) == 1
    page.clock.fast_forward(int(RETRY_AFTER_SECONDS * 0.25) * 1000)  # past the jitter too
    _wait_for(page, lambda: replies == [503, 503])
    page.clock.fast_forward((RETRY_AFTER_SECONDS - 1) * 1000)
    page.wait_for_timeout(500)
    assert len(calls) == 2  # one try per wait, and the outbox is kept
    expect(page.get_by_test_id("pending-count")).to_have_text("1")

    live_server.database_down(False)
    page.clock.fast_forward(int(RETRY_AFTER_SECONDS * 0.25) * 1000)
    expect(page.get_by_test_id("pending-count")).to_have_text("0", timeout=TIMEOUT)
    wait_until(page, SYNC_IDLE)
    expect(status).to_be_hidden()
    assert replies[:2] == [503, 503] and set(replies[2:]) == {200}
    phone_number = live_server.query(
        lambda: db.session.scalar(sa.select(Household.phone).where(Household.head_name == "Kim Sóc Khanh"))
    )
    assert phone_number == "0911111111"
